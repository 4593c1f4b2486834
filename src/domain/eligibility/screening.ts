import { sql, type Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import type { RuleSet } from '../programs/versions.js'
import type { JobRun } from '../jobs/define.js'
import { formatFen } from '../money.js'
import { ruleSetFor } from '../programs/service.js'
import { perClaim } from './claims.js'
import { compileSelection } from './compile.js'
import { compileDecision, compileQualified } from './sql-decision.js'

import type { ScreeningInput, SimulationInput } from './jobs.js'

export const money = (fen: number | string | null) => fen === null ? null : formatFen(Number(fen))

/**
 * The persons with a case of the programme in (or not in) the given states: an open or
 * active case makes a person no longer a candidate; an active or suspended one, a
 * beneficiary an annual review re-evaluates.
 */
export function personsWithCases (programCode: string, states: readonly string[], match: 'in' | 'not in' = 'in') {
  return sql<{ person_id: string }>`select distinct person_id from cases where program_code = ${programCode} and status ${sql.raw(match)} (${sql.join(states)})`
}

/**
 * The memory the statements of a screening, a simulation or a review may use to group
 * and sort, for their transaction only. The children counted per parent are one group
 * per parent: 491,666 groups in a district of 1,000,000 persons, where PostgreSQL
 * expects 200 (it cannot know how many distinct parents a column names) and its default
 * 4 MB made the aggregate spill to disk.
 */
export async function allowScreeningMemory (trx: Transaction<DB>): Promise<void> {
  await sql`set local work_mem = '64MB'`.execute(trx)
}

/**
 * Screens a region: the compiled rules find everyone who qualifies, with the amount for
 * the year (for a programme decided per claim, every claim of the year that qualifies,
 * with its price), and those with no open or active case of the programme are written as
 * the job's candidates.
 *
 * The statement runs as CREATE TABLE AS, which PostgreSQL may give a parallel plan
 * (INSERT … SELECT it may not), into a one-row temporary table holding the list as
 * arrays; one small insert then keeps it.
 */
export async function screenProgram ({ job, input, db, progress }: JobRun<ScreeningInput>) {
  const ruleSet = await ruleSetFor(db, input.programCode, input.ruleVersion)
  await progress(0, 1)
  const found = await db.transaction().execute(async (trx) => {
    await allowScreeningMemory(trx)
    return writeCandidates(trx, job.id, ruleSet, input)
  })
  await progress(1, 1)
  return {
    programCode: input.programCode,
    ruleVersion: input.ruleVersion,
    regionCode: input.regionCode,
    year: input.year,
    asOf: input.asOf,
    qualifiedCount: found.qualified,
    candidateCount: found.candidates,
    candidateAmount: money(found.amount),
    candidates: `/v1/screenings/${job.id}/persons?outcome=candidate`,
  }
}

/**
 * Finds who qualifies in a region and keeps, as the job's candidates, those with no open
 * or active case of the programme (a programme decided per claim lists every qualifying
 * claim: its claims are paid each). Answers the counts and the candidates' amount.
 */
export async function writeCandidates (trx: Transaction<DB>, jobId: string, ruleSet: RuleSet, input: ScreeningInput) {
  const claims = perClaim(ruleSet)
  const order = claims ? sql`order by e.person_id, e.claim_id` : sql`order by e.person_id`
  const candidate = claims ? sql<boolean>`true` : sql<boolean>`k.person_id is null`
  await sql`
    create temporary table screening_found on commit drop as
    select count(*)::int as qualified, (count(*) filter (where ${candidate}))::int as candidates,
           (sum(e.amount_fen) filter (where ${candidate}))::text as amount,
           coalesce(array_agg(e.person_id ${order}) filter (where ${candidate}), '{}') as person_ids,
           ${claims ? sql`coalesce(array_agg(e.claim_id ${order}), '{}')` : sql`null::uuid[]`} as claim_ids,
           coalesce(array_agg(e.amount_fen ${order}) filter (where ${candidate}), '{}') as amounts_fen
      from (${compileQualified(ruleSet, input)}) e
      left join (${personsWithCases(ruleSet.programCode, ['exited', 'completed', 'rejected', 'withdrawn'], 'not in')}) k on k.person_id = e.person_id
  `.execute(trx)
  await sql`
    insert into eligibility_lists (job_id, outcome, person_ids, claim_ids, amounts_fen)
    select ${jobId}::uuid, 'candidate', person_ids, claim_ids, amounts_fen from screening_found
  `.execute(trx)
  return (await sql<{ qualified: number, candidates: number, amount: string | null }>`select qualified, candidates, amount from screening_found`.execute(trx)).rows[0]!
}

/**
 * Simulates a rule version against the active one over a region: one statement
 * compiles both decisions over the same facts for everyone who qualifies under either
 * (a row per claim when either version is decided per claim); rows for which the
 * answers differ are kept as gains or losses (with the criterion failed), and the
 * year's cost under each is summed.
 */
export async function simulateRuleVersion ({ job, input, db, progress }: JobRun<SimulationInput>) {
  const simulated = await ruleSetFor(db, input.programCode, input.ruleVersion)
  const active = input.activeVersion === null ? null : await ruleSetFor(db, input.programCode, input.activeVersion)
  await progress(0, 1)
  const claims = perClaim(simulated) || (active !== null && perClaim(active))
  const selection = compileSelection(input, (q) => {
    const now = active ? compileDecision(q, active) : null
    const then = compileDecision(q, simulated)
    const heldNow = now ? now.eligible : sql<boolean>`false`
    return {
      where: sql<boolean>`(${heldNow} or ${then.eligible})`,
      columns: {
        held_now: heldNow,
        held_then: then.eligible,
        failed_on: then.failedOn,
        amount_now: now ? now.amount : sql`null::bigint`,
        amount_then: then.amount,
      },
    }
  }, { claims })
  const order = claims ? sql`order by person_id, claim_id` : sql`order by person_id`
  const claimIds = claims ? sql`coalesce(array_agg(claim_id ${order}), '{}')` : sql`null::uuid[]`
  const result = await db.transaction().execute(async (trx) => {
    await allowScreeningMemory(trx)
    await sql`create temporary table simulated on commit drop as ${selection}`.execute(trx)
    await sql`
      insert into eligibility_lists (job_id, outcome, person_ids, claim_ids, amounts_fen, criteria)
      select ${job.id}::uuid, 'gain', coalesce(array_agg(person_id ${order}), '{}'), ${claimIds},
             coalesce(array_agg(amount_then ${order}), '{}'), null
        from simulated where held_then and not held_now
      union all
      select ${job.id}::uuid, 'loss', coalesce(array_agg(person_id ${order}), '{}'), ${claimIds},
             coalesce(array_agg(amount_now ${order}), '{}'), coalesce(array_agg(failed_on ${order}), '{}')
        from simulated where held_now and not held_then
    `.execute(trx)
    return (await sql<{ now_count: number, then_count: number, cost_now: string | null, cost_then: string | null, gains: number, losses: number }>`
      select count(*) filter (where held_now)::int as now_count, count(*) filter (where held_then)::int as then_count,
             (sum(amount_now) filter (where held_now))::text as cost_now, (sum(amount_then) filter (where held_then))::text as cost_then,
             count(*) filter (where held_then and not held_now)::int as gains, count(*) filter (where held_now and not held_then)::int as losses
        from simulated
    `.execute(trx)).rows[0]!
  })
  await progress(1, 1)
  const costNow = Number(result.cost_now ?? 0)
  const costThen = Number(result.cost_then ?? 0)
  return {
    programCode: input.programCode,
    ruleVersion: input.ruleVersion,
    activeVersion: input.activeVersion,
    regionCode: input.regionCode,
    year: input.year,
    asOf: input.asOf,
    qualifiedNow: result.now_count,
    qualifiedThen: result.then_count,
    gainCount: result.gains,
    lossCount: result.losses,
    costNow: formatFen(costNow),
    costThen: formatFen(costThen),
    costChange: `${costThen < costNow ? '-' : ''}${formatFen(Math.abs(costThen - costNow))}`,
    gains: `/v1/simulations/${job.id}/persons?outcome=gain`,
    losses: `/v1/simulations/${job.id}/persons?outcome=loss`,
  }
}
