import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { auditInsertOf } from '../audit/record.js'
import type { Acting } from '../identity/acting.js'
import { inSubtree } from '../regions/scope.js'

export interface Question {
  reference: string
  benefit: string
  purpose: string
  index: Buffer
  idNumberMasked: string
  householdWide: boolean
  today: string
}

export interface VerificationRow { reference: string, benefit: string, qualified: boolean, valid_until: string, checked_at: Date }

/** How the programme's active version pays, and the person asked about, as standing answers them. */
export interface Standing { per: string, person_id: string | null, beneficiary: boolean | null }

/**
 * A partner's question answered and recorded in one statement, when the records answer
 * it: how the programme's active version pays, and the living person with this blind
 * index in the scope (if any) with whether they — or, for a household entitlement, anyone
 * of their household — hold an active case of it; then the verification and its audit
 * row. A holder is qualified to the year's end; nobody, or a non-holder of a programme
 * that pays, is not qualified today. No verification is written when the rules must be
 * asked (a person who holds no case of a programme that pays nothing), nor when the
 * programme has no active version (no row at all): the caller answers those.
 */
export async function answerFromRecords (db: Kysely<DB>, acting: Acting, question: Question): Promise<(Standing & Partial<VerificationRow>) | undefined> {
  const { reference, benefit, purpose, index, idNumberMasked, householdWide, today } = question
  const yearEnd = `${today.slice(0, 4)}-12-31`
  const { rows } = await sql<Standing & Partial<VerificationRow>>`
    with standing as (
      select v.amounts->>'per' as per, person.id as person_id, person.beneficiary
        from rule_versions v
        left join lateral (
          select p.id,
                 exists (select 1 from cases c
                          where c.program_code = ${benefit} and c.status = 'active'
                            and ${householdWide
                              ? sql`c.person_id in (select m.id from persons m where m.household_id = p.household_id)`
                              : sql`c.person_id = p.id`}) as beneficiary
            from persons p join households h on h.id = p.household_id
           where p.id_number_index = ${index} and p.death_date is null and ${inSubtree('h.region_code', acting.scope)}
           limit 1
        ) person on true
       where v.program_code = ${benefit} and v.status = 'active'
    ), answered as (
      select coalesce(beneficiary, false) as qualified,
             case when beneficiary then ${yearEnd}::date else ${today}::date end as valid_until
        from standing
       where beneficiary or person_id is null or per <> 'none'
    ), verification as (
      insert into verifications (reference, partner_id, region_code, benefit, purpose, id_number_masked, qualified, valid_until, checked_at)
      select ${reference}, ${acting.actor.id}::uuid, ${acting.scope}, ${benefit}, ${purpose}, ${idNumberMasked}, qualified, valid_until, ${acting.clock.sql}
        from answered
      returning reference, benefit, qualified, valid_until, checked_at
    ), audited as (${auditInsertOf(acting, {
      rows: sql`
        select 'verification' as entity_type, reference as entity_id, 'verify' as action, null::text as from_status, null::text as to_status,
               ${acting.scope}::text as region_code, ${purpose}::text as reason,
               jsonb_build_object('partner', ${acting.actor.name}::text, 'benefit', benefit, 'idNumber', ${idNumberMasked}::text,
                                  'qualified', qualified, 'validUntil', to_char(valid_until, 'YYYY-MM-DD')) as changes
          from verification`,
    })})
    select s.per, s.person_id, s.beneficiary, v.reference, v.benefit, v.qualified, v.valid_until, v.checked_at
      from standing s left join verification v on true
  `.execute(db)
  return rows[0]
}
