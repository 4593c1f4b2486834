import { checkRuleTree, type RuleNode, type TreeError } from '../eligibility/rule-tree.js'
import type { AmountSettings, FundingEntry } from '../eligibility/amounts.js'
import { formatFen, toFen } from '../money.js'
import { ruleVersionInvalid, type RuleVersionCode } from './errors.js'
import { WORKFLOW_STEPS, type AmountSettingsBody, type RuleVersion, type RuleVersionCreate } from './schemas.js'
import type { RuleVersionRow } from './repo.js'

/** Which amount units go with which payment frequency. */
const UNITS_OF_FREQUENCY = { yearly: ['year', 'month'], once: ['once'], per_claim: ['claim'], none: ['none'] } as const

/**
 * Checks a rule version beyond its shape: every tree against the fact vocabulary,
 * the schedule and funding against each other. Refuses with a 422 that lists every bad
 * node by its path; the code is the first problem's.
 */
export function checkRuleVersion (body: RuleVersionCreate): void {
  const errors: TreeError[] = [...checkRuleTree(body.rules, '/body/rules')]
  const { amounts } = body
  amounts.schedule.forEach((entry, index) => {
    const at = `/body/amounts/schedule/${index}`
    if (index > 0 && entry.from <= amounts.schedule[index - 1]!.from) {
      errors.push({ code: 'amounts_schedule_order', path: `${at}/from`, message: 'Schedule entries are in order of their dates, each later than the one before.' })
    }
    entry.tiers.forEach((tier, tierIndex) => {
      const tierAt = `${at}/tiers/${tierIndex}`
      if (tier.when) errors.push(...checkRuleTree(tier.when, `${tierAt}/when`))
      if ((amounts.per === 'claim') !== (tier.service !== undefined)) {
        errors.push({ code: 'amounts_tier_invalid', path: tierAt, message: amounts.per === 'claim' ? 'A per-claim tier names its service.' : 'Only per-claim tiers name a service.' })
      }
    })
  })
  if (amounts.per === 'none' && amounts.schedule.length > 0) {
    errors.push({ code: 'amounts_tier_invalid', path: '/body/amounts/schedule', message: 'A programme that pays nothing has no schedule.' })
  }
  if (amounts.months && amounts.per !== 'month') {
    errors.push({ code: 'amounts_tier_invalid', path: '/body/amounts/months', message: 'Only monthly amounts have a window of months.' })
  }
  body.funding.forEach((entry, index) => {
    const at = `/body/funding/${index}`
    if (index > 0 && entry.from <= body.funding[index - 1]!.from) {
      errors.push({ code: 'funding_order', path: `${at}/from`, message: 'Funding entries are in order of their dates, each later than the one before.' })
    }
    const sources = entry.shares.map((share) => share.source)
    if (new Set(sources).size !== sources.length) errors.push({ code: 'funding_shares', path: `${at}/shares`, message: 'Each source appears once.' })
    const total = entry.shares.reduce((sum, share) => sum + share.percent, 0)
    if (total !== 100) errors.push({ code: 'funding_shares', path: `${at}/shares`, message: `The shares add up to ${total} %, not 100 %.` })
  })
  if (amounts.per !== 'none' && body.funding.length === 0) {
    errors.push({ code: 'funding_shares', path: '/body/funding', message: 'A programme that pays money says who funds it.' })
  }
  if (!(UNITS_OF_FREQUENCY[body.payment.frequency] as readonly string[]).includes(amounts.per)) {
    errors.push({ code: 'payment_frequency', path: '/body/payment/frequency', message: `A ${body.payment.frequency} payment goes with amounts per ${UNITS_OF_FREQUENCY[body.payment.frequency].join(' or ')}.` })
  }
  const steps = body.workflow.steps.map((step) => step.step).join(',')
  if (steps !== WORKFLOW_STEPS.join(',')) {
    errors.push({ code: 'workflow_steps', path: '/body/workflow/steps', message: `The workflow lists each of ${WORKFLOW_STEPS.join(', ')} once, in that order.` })
  }
  if (errors.length > 0) throw ruleVersionInvalid(errors[0]!.code as RuleVersionCode, `The rule version is not valid: ${errors[0]!.message}`, errors.map(({ path, message }) => ({ path, message })))
}

/** The amount settings as stored: fen, not yuan. */
export function storedAmounts (amounts: AmountSettingsBody): AmountSettings {
  return {
    ...amounts,
    schedule: amounts.schedule.map((entry) => ({
      from: entry.from,
      tiers: entry.tiers.map(({ amount, ...tier }) => ({ ...tier, amountFen: toFen(amount) })),
    })),
  }
}

function apiAmounts (amounts: AmountSettings): AmountSettingsBody {
  return {
    ...amounts,
    schedule: amounts.schedule.map((entry) => ({
      from: entry.from,
      tiers: entry.tiers.map(({ amountFen, ...tier }) => ({ ...tier, amount: formatFen(amountFen) })),
    })),
  }
}

/** What eligibility reads of a rule version. */
export interface RuleSet {
  programCode: string
  version: number
  rules: RuleNode
  amounts: AmountSettings
  funding: FundingEntry[]
}

export function ruleSetOf (row: RuleVersionRow): RuleSet {
  return {
    programCode: row.program_code,
    version: row.version,
    rules: row.rules as RuleNode,
    amounts: row.amounts as AmountSettings,
    funding: row.funding as FundingEntry[],
  }
}

export function toRuleVersion (row: RuleVersionRow): RuleVersion {
  return {
    programCode: row.program_code,
    version: row.version,
    status: row.status,
    effectiveFrom: row.effective_from,
    rules: row.rules as RuleVersion['rules'],
    amounts: apiAmounts(row.amounts as AmountSettings) as RuleVersion['amounts'],
    funding: row.funding as RuleVersion['funding'],
    payment: row.payment as RuleVersion['payment'],
    workflow: row.workflow as RuleVersion['workflow'],
    note: row.note,
    author: { id: row.authored_by, name: row.author_name },
    activatedBy: row.activated_at ? { id: row.activated_by, name: row.activator_name ?? 'huimin' } : null,
    activatedAt: row.activated_at?.toISOString() ?? null,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  }
}
