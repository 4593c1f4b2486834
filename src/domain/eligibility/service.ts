import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { Actor } from '../identity/actor.js'
import { formatFen } from '../money.js'
import type { AuditContext } from '../audit/context.js'
import { insertJob, type JobRow } from '../jobs/repo.js'
import { requesterOf } from '../jobs/service.js'
import { activeVersionNumber, ruleSetFor } from '../programs/service.js'
import { findRegion } from '../regions/repo.js'
import { regionNotFound } from '../regions/service.js'
import type { RuleSet } from '../programs/versions.js'
import { today } from '../registry/people.js'
import { amountFor, fundingFor } from './amounts.js'
import { evaluateTree } from './evaluate.js'
import { loadFactSources, PersonFacts, type FactSources } from './person-facts.js'
import type { Evaluation, EvaluationRequest, ScreeningRequest, SimulationRequest } from './schemas.js'
import { SCREENING, SIMULATION, type ScreeningInput, type SimulationInput } from './screening.js'

/** One person against a rule set, in TypeScript: the decision, its trace, and what is owed for the period. */
export function decide (ruleSet: RuleSet, sources: FactSources, asOf: string): Omit<Evaluation, 'programCode' | 'ruleVersion' | 'personId'> {
  const facts = new PersonFacts(sources, asOf)
  const decision = evaluateTree(ruleSet.rules, (leaf) => facts.get(leaf.fact, leaf.params))
  const once = ruleSet.amounts.per === 'once'
  const period = once ? asOf : asOf.slice(0, 4)
  const amountFen = decision.passed ? amountFor(ruleSet.amounts, facts, sources.person) : null
  return {
    eligible: decision.passed,
    asOf,
    period,
    criteria: decision.criteria,
    failedOn: decision.failedOn,
    amount: amountFen === null ? null : formatFen(amountFen),
    funding: amountFen === null ? [] : fundingFor(ruleSet.funding, once ? asOf : `${period}-01-01`, amountFen)
      .map((part) => ({ source: part.source as Evaluation['funding'][number]['source'], amount: formatFen(part.fen) })),
  }
}

export async function evaluatePerson (db: Kysely<DB>, actor: Actor, request: EvaluationRequest): Promise<Evaluation> {
  const ruleSet = await ruleSetFor(db, request.programCode)
  const sources = await loadFactSources(db, request.personId, actor.regionCode)
  if (!sources) throw new ProblemError(404, 'person_not_found', `No person ${request.personId} in your region.`)
  const asOf = request.asOf ?? today()
  return { programCode: ruleSet.programCode, ruleVersion: ruleSet.version, personId: request.personId, ...decide(ruleSet, sources, asOf) }
}

/** The date a year's screening takes its facts on: 31 December of a past year, today in the current one. */
export function screeningDate (year: number): string {
  const now = today()
  const current = Number(now.slice(0, 4))
  if (year > current) throw new ProblemError(422, 'year_in_future', `The year ${year} has not begun; screen ${current} or earlier.`, [{ path: '/body/year', message: 'A year not yet begun.' }])
  return year === current ? now : `${year}-12-31`
}

async function requireRegion (db: Kysely<DB>, code: string, scope: string): Promise<string> {
  if (!await findRegion(db, code, scope)) throw regionNotFound(code)
  return code
}

/** Queues a screening of a region with the programme's active version. */
export async function startScreening (db: Kysely<DB>, context: AuditContext, actor: Actor, code: string, request: ScreeningRequest): Promise<JobRow> {
  const ruleSet = await ruleSetFor(db, code)
  const regionCode = await requireRegion(db, request.regionCode, actor.regionCode)
  const input: ScreeningInput = { programCode: ruleSet.programCode, ruleVersion: ruleSet.version, regionCode, year: request.year, asOf: screeningDate(request.year) }
  return insertJob(db, { kind: SCREENING, regionCode, requestedBy: requesterOf(context), input: { ...input } })
}

/** Queues a simulation of a rule version against the active one (if any) over a region. */
export async function startSimulation (db: Kysely<DB>, context: AuditContext, actor: Actor, code: string, request: SimulationRequest): Promise<JobRow> {
  const simulated = await ruleSetFor(db, code, request.ruleVersion)
  const regionCode = await requireRegion(db, request.regionCode, actor.regionCode)
  const input: SimulationInput = {
    programCode: simulated.programCode, ruleVersion: simulated.version, activeVersion: await activeVersionNumber(db, code),
    regionCode, year: request.year, asOf: screeningDate(request.year),
  }
  return insertJob(db, { kind: SIMULATION, regionCode, requestedBy: requesterOf(context), input: { ...input } })
}
