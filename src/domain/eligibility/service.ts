import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'
import { enqueueJob } from '../jobs/define.js'
import { jobNotFound } from '../jobs/errors.js'
import { findJob, type JobRow } from '../jobs/repo.js'
import { activeVersionNumber, ruleSetFor, ruleSetOfVersion } from '../programs/service.js'
import { requireRegion } from '../regions/service.js'
import { personNotFound } from '../registry/errors.js'
import { claimOf, perClaim } from './claims.js'
import { decide, type Decided } from './decision.js'
import { claimAfterAsOf, claimNotApplicable, claimNotFound, claimRequired, screeningNotFinished, yearInFuture } from './errors.js'
import { loadForEvaluation } from './fact-sources.js'
import type { Evaluation, EvaluationRequest, ScreeningRequest, SimulationRequest } from './schemas.js'
import { REVIEW, SCREENING, SIMULATION, type ScreeningInput, type SimulationInput } from './jobs.js'

/**
 * Evaluates the active version for a person, or for a programme decided per claim, one
 * claim of theirs: the claim is decided on its service date unless the request names a
 * later as-of date. Without an as-of date, the clock's today.
 */
export async function evaluatePerson (db: Kysely<DB>, acting: Acting, request: EvaluationRequest): Promise<Evaluation> {
  const { activeVersion, sources } = await loadForEvaluation(db, request.personId, acting.scope, request.programCode)
  const ruleSet = activeVersion ? await ruleSetOfVersion(db, request.programCode, activeVersion) : await ruleSetFor(db, request.programCode)
  if (!sources) throw personNotFound(request.personId)
  const answer = (decided: Decided) => ({ programCode: ruleSet.programCode, ruleVersion: ruleSet.version, personId: request.personId, ...decided })
  if (!perClaim(ruleSet)) {
    if (request.claimId !== undefined) throw claimNotApplicable('/body/claimId', ruleSet.programCode)
    return answer(decide(ruleSet, sources, request.asOf ?? await acting.clock.today()))
  }
  if (request.claimId === undefined) throw claimRequired('/body/claimId', ruleSet.programCode)
  const claim = claimOf(sources, request.claimId)
  if (!claim) throw claimNotFound(request.personId, request.claimId)
  const asOf = request.asOf ?? claim.date
  if (asOf < claim.date) throw claimAfterAsOf('/body/asOf', claim.date, asOf)
  return answer(decide(ruleSet, sources, asOf, claim))
}

/** The date a year's screening takes its facts on: 31 December of a past year, today in the current one. */
export function screeningDate (year: number, today: string): string {
  const current = Number(today.slice(0, 4))
  if (year > current) throw yearInFuture('/body/year', year, current)
  return year === current ? today : `${year}-12-31`
}

/**
 * Queues a screening of a region with the programme's active version, or (review) the
 * annual review of its beneficiaries there with a screening for new candidates.
 */
export async function startScreening (db: Kysely<DB>, acting: Acting, code: string, request: ScreeningRequest, kind: 'screening' | 'review' = 'screening'): Promise<JobRow> {
  const ruleSet = await ruleSetFor(db, code)
  const { code: regionCode } = await requireRegion(db, request.regionCode, acting.scope)
  const input: ScreeningInput = {
    programCode: ruleSet.programCode, ruleVersion: ruleSet.version, regionCode, year: request.year, asOf: screeningDate(request.year, await acting.clock.today()),
  }
  return enqueueJob(db, acting, kind === 'review' ? REVIEW : SCREENING, input, { regionCode })
}

/** Queues a simulation of a rule version against the active one (if any) over a region. */
export async function startSimulation (db: Kysely<DB>, acting: Acting, code: string, request: SimulationRequest): Promise<JobRow> {
  const simulated = await ruleSetFor(db, code, request.ruleVersion)
  const { code: regionCode } = await requireRegion(db, request.regionCode, acting.scope)
  const input: SimulationInput = {
    programCode: simulated.programCode, ruleVersion: simulated.version, activeVersion: await activeVersionNumber(db, code),
    regionCode, year: request.year, asOf: screeningDate(request.year, await acting.clock.today()),
  }
  return enqueueJob(db, acting, SIMULATION, input, { regionCode })
}

/** A finished screening of the scope: its programme, and the persons it found qualified and not yet a case. */
export async function screeningCandidates (db: Kysely<DB>, acting: Acting, screeningId: string): Promise<{ programCode: string, personIds: string[] }> {
  const job = await findJob(db, screeningId, acting.scope)
  if (!job || job.kind !== SCREENING.kind) throw jobNotFound(screeningId)
  if (job.status !== 'succeeded') throw screeningNotFinished(screeningId, job.status)
  const list = await db.selectFrom('eligibility_lists').select('person_ids').where('job_id', '=', screeningId).where('outcome', '=', 'candidate').executeTakeFirst()
  return { programCode: String((job.input as { programCode: string }).programCode), personIds: list?.person_ids ?? [] }
}
