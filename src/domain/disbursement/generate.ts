import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import { recordAudit, recordAuditOf } from '../audit/record.js'
import { compileAmount, entryOn, type AmountSettings } from '../eligibility/amounts.js'
import { FactQuery } from '../eligibility/sql-facts.js'
import type { Acting } from '../identity/acting.js'
import { formatFen } from '../money.js'
import { inSubtree } from '../regions/scope.js'
import type { RuleSet } from '../programs/versions.js'
import { compileSplit } from './split.js'
import { monthOnly, type Period } from './periods.js'

export interface BatchPlan {
  ruleSet: RuleSet
  /** Who a case is about: a child's payment goes to the child's account, else the mother's, else the father's. */
  subject: 'person' | 'child' | 'household'
  period: Period
  regionCode: string
}

export interface Generated {
  batchId: string | null
  count: number
  totalFen: number
  bySourceFen: number[]
  notPayable: number
  /** When nothing is owed to anyone with an account there is no batch: those owed without one are named here. */
  notPayablePersonIds?: string[]
}

/** The funding sources of the period and their whole-percent shares. */
export function sharesOf (ruleSet: RuleSet, period: Period): Array<{ source: string, percent: number }> {
  return entryOn(ruleSet.funding, period.start)?.shares ?? []
}

/**
 * A payment's id: the first 80 bits of its batch's (random) id, then its position. The
 * ids of a batch are in order, so a million of them extend the primary key and the audit
 * trail's entity index at one end instead of all over them.
 */
export function paymentId (batchId: string, seq: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(${batchId.replaceAll('-', '').slice(0, 20)} || lpad(to_hex(${seq}), 12, '0'))::uuid`
}

/** Pending or paid payments of the programme that this period's would duplicate: the same period, its year, its months; any, for a one-time programme. */
function alreadyHeld (period: Period, once: boolean): RawBuilder<boolean> {
  if (once) return sql`true`
  return period.month === null
    ? sql`(x.period = ${period.text} or x.period like ${`${period.text}-%`})`
    : sql`(x.period = ${period.text} or x.period = ${String(period.year)})`
}

/** The payee's active account: the subject's own; for a child, else the mother's, else the father's. */
function payeeAccount (subject: BatchPlan['subject']): RawBuilder<unknown> {
  return subject === 'child'
    ? sql`left join lateral (
        select b.* from bank_accounts b
         where b.active and b.person_id in (p.id, p.mother_id, p.father_id)
         order by array_position(array[p.id, p.mother_id, p.father_id], b.person_id) limit 1) ba on true`
    : sql`left join bank_accounts ba on ba.person_id = p.id and ba.active`
}

/**
 * Everyone the programme owes for the period in the region, one row each, with the
 * amount (the rule version's schedule as the eligibility amounts compile it, for a
 * month that month alone) and the payee's active account, if any. Owed: the case was
 * active by the period's end and is active still, or ended by the beneficiary's death
 * within or after the period (the amounts pay up to the death as the programme says);
 * the beneficiary lived at the period's start; no pending or paid payment holds the
 * period; and a failed one is paid again only once the account has changed since.
 */
export function owedStatement (plan: BatchPlan): RawBuilder<unknown> {
  const { ruleSet, period } = plan
  const once = ruleSet.amounts.per === 'once'
  const q = new FactQuery(period.asOf)
  const amount = compileAmount(q, monthOnly(ruleSet.amounts as AmountSettings, period))
  return sql`
    select o.* from (
      select c.id as case_id, c.person_id, h.region_code, ${amount} as amount_fen,
             ba.id as bank_account_id, ba.bank_name, ba.branch_code, ba.account_number_cipher, ba.account_number_key,
             ba.account_number_masked, ba.holder_name
        from cases c
        join persons p on p.id = c.person_id
        join households h on h.id = p.household_id
        ${q.joins}
        ${payeeAccount(plan.subject)}
       where c.program_code = ${ruleSet.programCode}
         and ${inSubtree('h.region_code', plan.regionCode)}
         and c.active_from <= ${period.end}::date
         and (c.status = 'active'
              or (c.status = 'exited' and p.death_date >= ${period.start}::date
                  and not exists (select 1 from case_steps s where s.case_id = c.id::text and s.action = 'exit'
                                     and (s.at at time zone 'Asia/Shanghai')::date < p.death_date)))
         and (p.death_date is null or p.death_date >= ${period.start}::date)
         and not exists (select 1 from payments x where x.person_id = c.person_id and x.program_code = ${ruleSet.programCode}
                            and x.status in ('pending', 'paid') and ${alreadyHeld(period, once)})
         and not exists (select 1 from payments x where x.person_id = c.person_id and x.program_code = ${ruleSet.programCode}
                            and x.status = 'failed' and ${alreadyHeld(period, once)} and x.bank_account_id = ba.id)
    ) o
    where o.amount_fen > 0`
}

/**
 * Makes a batch (DESIGN §6) in the caller's transaction: one statement writes a payment
 * for everyone owed who has an account — its amount, its split by source exact to the
 * fen, a snapshot of the account — and lists those who have none; one more writes an
 * audit row per payment. Batches of one programme are made one at a time (an advisory
 * lock), so that a year's batch and its months' cannot both pay a person; within a
 * period the partial unique index holds whatever happens. Nothing owed: no batch.
 */
export async function generateBatch (trx: Transaction<DB>, acting: Acting, plan: BatchPlan, jobId: string | null): Promise<Generated> {
  const { ruleSet, period } = plan
  await sql`select pg_advisory_xact_lock(hashtext(${`huimin payments ${ruleSet.programCode}`}))`.execute(trx)
  const shares = sharesOf(ruleSet, period)
  const batch = await trx.insertInto('payment_batches').values({
    program_code: ruleSet.programCode,
    rule_version: ruleSet.version,
    period: period.text,
    year: period.year,
    region_code: plan.regionCode,
    sources: shares.map((share) => share.source),
    job_id: jobId,
    created_by: acting.actor.kind === 'officer' ? acting.actor.id : null,
    created_by_name: acting.actor.name,
    created_at: acting.clock.sql,
  }).returning('id').executeTakeFirstOrThrow()

  const split = compileSplit(sql`n.amount_fen`, shares.map((share) => share.percent))
  const sums = shares.map((_share, index) => sql`coalesce(sum(shares_fen[${sql.lit(index + 1)}]), 0)::text`)
  const { rows: [made] } = await sql<{ count: number, total: string | null, by_source: string[], not_payable: number }>`
    with owed as materialized (${owedStatement(plan)}),
    inserted as (
      insert into payments (id, batch_id, seq, case_id, person_id, program_code, period, region_code, amount_fen, shares_fen,
                            bank_account_id, bank_name, branch_code, account_number_cipher, account_number_key, account_number_masked, holder_name)
      select ${paymentId(batch.id, sql`n.seq`)}, ${batch.id}::uuid, n.seq, n.case_id, n.person_id, ${ruleSet.programCode}, ${period.text}, n.region_code, n.amount_fen, ${split},
             n.bank_account_id, n.bank_name, n.branch_code, n.account_number_cipher, n.account_number_key, n.account_number_masked, n.holder_name
        from (select o.*, row_number() over (order by o.region_code, o.person_id) as seq from owed o where o.bank_account_id is not null) n
      returning amount_fen, shares_fen
    ),
    missing as (
      insert into batch_not_payable (batch_id, seq, case_id, person_id, region_code, amount_fen)
      select ${batch.id}::uuid, row_number() over (order by o.region_code, o.person_id), o.case_id, o.person_id, o.region_code, o.amount_fen
        from owed o where o.bank_account_id is null
      returning 1
    )
    select count(*)::int as count, sum(amount_fen)::text as total, array[${sql.join([...sums, sql`null::text`])}] as by_source,
           (select count(*) from missing)::int as not_payable
      from inserted
  `.execute(trx)
  const count = made!.count
  const totalFen = Number(made!.total ?? 0)
  const bySourceFen = made!.by_source.slice(0, shares.length).map(Number)
  if (count === 0) {
    const missing = await trx.deleteFrom('batch_not_payable').where('batch_id', '=', batch.id).returning('person_id').execute()
    await trx.deleteFrom('payment_batches').where('id', '=', batch.id).execute()
    return { batchId: null, count, totalFen, bySourceFen, notPayable: made!.not_payable, notPayablePersonIds: missing.map((row) => row.person_id) }
  }

  await trx.updateTable('payment_batches').set({
    count,
    total_fen: totalFen,
    by_source_fen: bySourceFen.map(String),
    failed_by_source_fen: shares.map(() => '0'),
    not_payable: made!.not_payable,
  }).where('id', '=', batch.id).execute()
  await recordAudit(trx, acting, {
    entityType: 'batch',
    entityId: batch.id,
    action: 'create',
    toStatus: 'draft',
    regionCode: plan.regionCode,
    changes: {
      programCode: ruleSet.programCode, ruleVersion: ruleSet.version, period: period.text, count, total: formatFen(totalFen),
      bySource: shares.map((share, index) => ({ source: share.source, amount: formatFen(bySourceFen[index]!) })), notPayable: made!.not_payable,
    },
  })
  await recordAuditOf(trx, acting, {
    rows: sql`
      select 'payment' as entity_type, p.id::text as entity_id, 'create' as action, null::text as from_status, 'pending' as to_status,
             p.region_code, null::text as reason,
             jsonb_build_object('batchId', p.batch_id, 'personId', p.person_id, 'period', p.period,
                                'amount', (p.amount_fen / 100)::text || '.' || lpad((p.amount_fen % 100)::text, 2, '0')) as changes
        from payments p where p.batch_id = ${batch.id}::uuid`,
  })
  return { batchId: batch.id, count, totalFen, bySourceFen, notPayable: made!.not_payable }
}
