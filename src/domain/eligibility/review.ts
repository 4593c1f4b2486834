import { sql } from 'kysely'
import type { JobRun } from '../jobs/define.js'
import { ruleSetFor } from '../programs/service.js'
import { compileSelection } from './compile.js'
import type { ScreeningInput } from './jobs.js'
import { allowScreeningMemory, money, personsWithCases, writeCandidates } from './screening.js'
import { compileDecision } from './sql-decision.js'

/**
 * The annual review of a programme in a region (动态管理, DESIGN §4): every active or
 * suspended beneficiary re-evaluated with the compiled rules as of the year's date —
 * those who no longer qualify kept as exits, each with the criterion they fail, for a
 * confirmer to act on — and the region screened for new candidates, as a screening is.
 * Two set-based statements, one transaction.
 */
export async function reviewProgram ({ job, input, db, progress }: JobRun<ScreeningInput>) {
  const ruleSet = await ruleSetFor(db, input.programCode, input.ruleVersion)
  await progress(0, 1)
  const beneficiaries = personsWithCases(ruleSet.programCode, ['active', 'suspended'])
  const { exits, reviewed, found } = await db.transaction().execute(async (trx) => {
    await allowScreeningMemory(trx)
    const decisions = compileSelection(input, (q) => {
      const decision = compileDecision(q, ruleSet)
      return {
        where: sql<boolean>`p.id in (${beneficiaries})`,
        columns: { eligible: decision.eligible, failed_on: decision.failedOn },
      }
    })
    await sql`
      create temporary table review_decisions on commit drop as
      select count(*)::int as reviewed, (count(*) filter (where not d.eligible))::int as exits,
             coalesce(array_agg(d.person_id order by d.person_id) filter (where not d.eligible), '{}') as person_ids,
             coalesce(array_agg(d.failed_on order by d.person_id) filter (where not d.eligible), '{}') as criteria
        from (${decisions}) d
    `.execute(trx)
    await sql`
      insert into eligibility_lists (job_id, outcome, person_ids, amounts_fen, criteria)
      select ${job.id}::uuid, 'exit', person_ids, array_fill(null::bigint, array[cardinality(person_ids)]), criteria from review_decisions
    `.execute(trx)
    const counted = (await sql<{ reviewed: number, exits: number }>`select reviewed, exits from review_decisions`.execute(trx)).rows[0]!
    return { ...counted, found: await writeCandidates(trx, job.id, ruleSet, input) }
  })
  await progress(1, 1)
  return {
    programCode: input.programCode,
    ruleVersion: input.ruleVersion,
    regionCode: input.regionCode,
    year: input.year,
    asOf: input.asOf,
    reviewedCount: reviewed,
    exitCount: exits,
    exits: `/v1/reviews/${job.id}/persons?outcome=exit`,
    qualifiedCount: found.qualified,
    candidateCount: found.candidates,
    candidateAmount: money(found.amount),
    candidates: `/v1/reviews/${job.id}/persons?outcome=candidate`,
  }
}
