import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

export interface OutcomeRow {
  outcome: 'candidate' | 'gain' | 'loss' | 'exit'
  position: number
  person_id: string
  /** For a programme decided per claim: the claim (service event) of the line. */
  claim_id: string | null
  amount_fen: number | null
  criterion: string | null
  /** Null when the person has since left the caller's region. */
  household_id: string | null
  region_code: string | null
  name: string | null
  id_number_cipher: Buffer | null
  id_number_key: string | null
  id_number_masked: string | null
}

/**
 * A page of the persons a screening, simulation or annual review found, by their position in the
 * list; the page is cut before the registry is joined, so it costs the same at any depth.
 */
export async function listOutcomes (db: Kysely<DB>, jobId: string, scope: string, filter: { outcome?: string, after?: [string, number] }, limit: number) {
  const [afterOutcome, afterPosition] = filter.after ?? ['', 0]
  const { rows } = await sql<OutcomeRow>`
    select page.outcome, page.position, page.person_id, page.claim_id, page.amount_fen, page.criterion,
           p.household_id, h.region_code, p.name, p.id_number_cipher, p.id_number_key, p.id_number_masked
      from (
        select l.outcome, u.position::int as position, u.person_id, u.claim_id, u.amount_fen, u.criterion
          from eligibility_lists l
          cross join lateral unnest(l.person_ids, l.claim_ids, l.amounts_fen, l.criteria) with ordinality as u (person_id, claim_id, amount_fen, criterion, position)
         where l.job_id = ${jobId} ${filter.outcome ? sql`and l.outcome = ${filter.outcome}` : sql``}
           and (l.outcome, u.position) > (${afterOutcome}, ${afterPosition})
         order by l.outcome, u.position
         limit ${limit + 1}
      ) page
      left join persons p on p.id = page.person_id
      left join households h on h.id = p.household_id and ${inSubtree('h.region_code', scope)}
     order by page.outcome, page.position
  `.execute(db)
  return rows
}
