import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
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

/** A question with who asked it: the partner, its scope, its role and the request. */
export interface Asked { question: Question, acting: Acting }

export interface VerificationRow { reference: string, benefit: string, qualified: boolean, valid_until: string, checked_at: Date }

/** How the programme's active version pays, and the person asked about, as standing answers them. */
export interface Standing { per: string, person_id: string | null, beneficiary: boolean | null }

export type Answered = Standing & Partial<VerificationRow>

/**
 * Partners' questions answered and recorded in one statement, when the records answer
 * them: for each, how the programme's active version pays, and the living person with
 * this blind index in the asker's scope (if any) with whether they — or, for a household
 * entitlement, anyone of their household — hold an active case of it; then the
 * verification and its audit row, naming the partner, its purpose and the answer. A
 * holder is qualified to the year's end; nobody, or a non-holder of a programme that
 * pays, is not qualified today. No verification is written when the rules must be asked
 * (a person who holds no case of a programme that pays nothing), nor when the programme
 * has no active version (no answer at all): the caller answers those. The answers are
 * keyed by the questions' references. Every question shares the statement's clock.
 */
export async function answerFromRecords (db: Kysely<DB>, asked: readonly Asked[]): Promise<Map<string, Answered>> {
  const questions = JSON.stringify(asked.map(({ question, acting }) => ({
    reference: question.reference,
    benefit: question.benefit,
    purpose: question.purpose,
    blind_index: question.index.toString('hex'),
    id_number_masked: question.idNumberMasked,
    household_wide: question.householdWide,
    today: question.today,
    scope: acting.scope,
    partner_id: acting.actor.id,
    partner_name: acting.actor.name,
    actor_role: acting.role,
    actor_region: acting.actor.regionCode,
    request_id: acting.requestId,
  })))
  const { rows } = await sql<Answered & { asked: string }>`
    with asked as (
      select * from jsonb_to_recordset(${questions}::jsonb) as a (
        reference text, benefit text, purpose text, blind_index text, id_number_masked text, household_wide boolean, today date,
        scope text, partner_id uuid, partner_name text, actor_role text, actor_region text, request_id text)
    ), standing as (
      select a.reference, a.today, v.amounts->>'per' as per, person.id as person_id, person.beneficiary
        from asked a
        join rule_versions v on v.program_code = a.benefit and v.status = 'active'
        left join lateral (
          select p.id,
                 (exists (select 1 from cases c where c.person_id = p.id and c.program_code = a.benefit and c.status = 'active')
                  or a.household_wide and exists (select 1 from persons m join cases c on c.person_id = m.id
                                                   where m.household_id = p.household_id and c.program_code = a.benefit and c.status = 'active')) as beneficiary
            from persons p join households h on h.id = p.household_id
           where p.id_number_index = decode(a.blind_index, 'hex') and p.death_date is null
             and ${inSubtree('h.region_code', sql.ref('a.scope'))}
           limit 1
        ) person on true
    ), answered as (
      select a.*, coalesce(s.beneficiary, false) as qualified,
             case when s.beneficiary then make_date(extract(year from a.today)::int, 12, 31) else a.today end as valid_until
        from standing s join asked a using (reference)
       where s.beneficiary or s.person_id is null or s.per <> 'none'
    ), verification as (
      insert into verifications (reference, partner_id, region_code, benefit, purpose, id_number_masked, qualified, valid_until, checked_at)
      select reference, partner_id, scope, benefit, purpose, id_number_masked, qualified, valid_until, ${asked[0]!.acting.clock.sql}
        from answered
      returning reference, benefit, qualified, valid_until, checked_at
    ), audited as (
      insert into audit_events (occurred_at, entity_type, entity_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role,
                                actor_region, region_code, reason, request_id, changes)
      select ${asked[0]!.acting.clock.sql}, 'verification', a.reference, 'verify', null, null, 'partner', a.partner_id, a.partner_name, a.actor_role,
             a.actor_region, a.scope, a.purpose, a.request_id,
             jsonb_build_object('partner', a.partner_name, 'benefit', a.benefit, 'idNumber', a.id_number_masked,
                                'qualified', a.qualified, 'validUntil', to_char(a.valid_until, 'YYYY-MM-DD'))
        from answered a join verification v on v.reference = a.reference
    )
    select s.reference as asked, s.per, s.person_id, s.beneficiary, v.reference, v.benefit, v.qualified, v.valid_until, v.checked_at
      from standing s left join verification v on v.reference = s.reference
  `.execute(db)
  return new Map(rows.map(({ asked: reference, ...answer }) => [reference, answer]))
}
