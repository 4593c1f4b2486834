import type { RuleSet } from '../programs/versions.js'
import type { FactSources } from './fact-sources.js'

/**
 * A claim (DESIGN §3, FREE_SERVICES): a `service` event of a person, standing (no
 * later event supersedes it), decided on its own and priced by the price list in force
 * on its date. One claim per service event; its id is the event's.
 */
export interface Claim {
  id: string
  service: string
  date: string
}

/** The person's standing service events, oldest first. */
export function claimsOf (sources: FactSources): Claim[] {
  return sources.events
    .filter((event) => event.type === 'service' && event.personId === sources.person.id)
    .map((event) => ({ id: event.id, service: String(event.details.service), date: event.date }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
}

/** One of the person's claims by its event id; undefined when the person has no standing service event with that id. */
export function claimOf (sources: FactSources, id: string): Claim | undefined {
  return claimsOf(sources).find((claim) => claim.id === id)
}

/** Does the rule set decide per claim (one decision per service event) rather than per person? */
export const perClaim = (ruleSet: Pick<RuleSet, 'amounts'>) => ruleSet.amounts.per === 'claim'
