import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

/** The persons a screening or simulation found, in the caller's region, a page at a time. */
export function listOutcomes (db: Kysely<DB>, jobId: string, scope: string, filter: { outcome?: string, after?: [string, string] }, limit: number) {
  let query = db.selectFrom('eligibility_outcomes as o')
    .innerJoin('persons as p', 'p.id', 'o.person_id')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .select(['o.outcome', 'o.person_id', 'o.criterion', 'o.amount_fen', 'p.household_id', 'h.region_code', 'p.name', 'p.id_number_cipher', 'p.id_number_key', 'p.id_number_masked'])
    .where('o.job_id', '=', jobId)
    .where(inSubtree('h.region_code', scope))
  if (filter.outcome) query = query.where('o.outcome', '=', filter.outcome as 'candidate')
  if (filter.after) {
    const [outcome, personId] = filter.after
    query = query.where((eb) => eb.or([eb('o.outcome', '>', outcome as 'candidate'), eb.and([eb('o.outcome', '=', outcome as 'candidate'), eb('o.person_id', '>', personId)])]))
  }
  return query.orderBy('o.outcome').orderBy('o.person_id').limit(limit + 1).execute()
}
