import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { Actor } from '../identity/actor.js'
import type { AuditContext } from '../audit/context.js'
import { insertJob, type JobRow } from '../jobs/repo.js'
import { requesterOf } from '../jobs/service.js'
import { activeVersionNumber, ruleSetFor } from '../programs/service.js'
import { findRegion } from '../regions/repo.js'
import { regionNotFound } from '../regions/service.js'
import { today } from '../registry/people.js'
import { claimOf, perClaim } from './claims.js'
import { decide, type Decided } from './decision.js'
import { loadFactSources } from './fact-sources.js'
import type { Evaluation, EvaluationRequest, ScreeningRequest, SimulationRequest } from './schemas.js'
import { SCREENING, SIMULATION, type ScreeningInput, type SimulationInput } from './screening.js'

/**
 * Evaluates the active version for a person, or for a programme decided per claim, one
 * claim of theirs: the claim is decided on its service date unless the request names a
 * later as-of date.
 */
export async function evaluatePerson (db: Kysely<DB>, actor: Actor, request: EvaluationRequest): Promise<Evaluation> {
  const ruleSet = await ruleSetFor(db, request.programCode)
  const sources = await loadFactSources(db, request.personId, actor.regionCode)
  if (!sources) throw new ProblemError(404, 'person_not_found', `No person ${request.personId} in your region.`)
  const answer = (decided: Decided) => ({ programCode: ruleSet.programCode, ruleVersion: ruleSet.version, personId: request.personId, ...decided })
  if (!perClaim(ruleSet)) {
    if (request.claimId !== undefined) throw claimProblem('claim_not_applicable', `${ruleSet.programCode} is not decided per claim; leave claimId out.`)
    return answer(decide(ruleSet, sources, request.asOf ?? today()))
  }
  if (request.claimId === undefined) throw claimProblem('claim_required', `${ruleSet.programCode} is decided per claim: name the service event claimed in claimId.`)
  const claim = claimOf(sources, request.claimId)
  if (!claim) throw new ProblemError(404, 'claim_not_found', `Person ${request.personId} has no standing service event ${request.claimId}.`)
  const asOf = request.asOf ?? claim.date
  if (asOf < claim.date) throw claimProblem('claim_after_as_of', `The claim is dated ${claim.date}, after the as-of date ${asOf}.`, '/body/asOf')
  return answer(decide(ruleSet, sources, asOf, claim))
}

function claimProblem (code: string, detail: string, path = '/body/claimId'): ProblemError {
  return new ProblemError(422, code, detail, [{ path, message: detail }])
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
