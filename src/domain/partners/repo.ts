import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

/**
 * What a verification needs, in one statement: how the programme's active version pays,
 * and the living person with this blind index in the scope (if any) with whether they —
 * or, for a household entitlement, anyone of their household — hold an active case of it.
 * No row when the programme has no active version.
 */
export async function standingOf (db: Kysely<DB>, programCode: string, index: Buffer, scope: string, householdWide: boolean) {
  const { rows } = await sql<{ per: string, person_id: string | null, beneficiary: boolean | null }>`
    select v.amounts->>'per' as per, person.id as person_id, person.beneficiary
      from rule_versions v
      left join lateral (
        select p.id,
               exists (select 1 from cases c
                        where c.program_code = ${programCode} and c.status = 'active'
                          and ${householdWide
                            ? sql`c.person_id in (select m.id from persons m where m.household_id = p.household_id)`
                            : sql`c.person_id = p.id`}) as beneficiary
          from persons p join households h on h.id = p.household_id
         where p.id_number_index = ${index} and p.death_date is null and ${inSubtree('h.region_code', scope)}
         limit 1
      ) person on true
     where v.program_code = ${programCode} and v.status = 'active'
  `.execute(db)
  return rows[0]
}
