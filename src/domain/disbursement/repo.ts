import { sql, type Kysely, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { DB, FundSource, PaymentStatus } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

/** The allocations of the region's budget (the district's, which contains every scope), with what approved batches spent of each. */
export async function allocationRows (db: Kysely<DB>, scope: string, filter: { programCode?: string | undefined, year?: number | undefined, afterId?: string | undefined, limit?: number }) {
  const { rows } = await sql<{ id: string, program_code: string, year: number, source: FundSource, amount_fen: number, spent_fen: number, region_code: string, created_at: Date }>`
    select a.id, a.program_code, a.year, a.source, a.amount_fen, a.region_code, a.created_at,
           coalesce((select sum(u.amount - u.failed) from payment_batches b
                      cross join lateral unnest(b.sources, b.by_source_fen, b.failed_by_source_fen) as u (source, amount, failed)
                     where b.program_code = a.program_code and b.year = a.year and b.status in ('approved', 'exported', 'reconciled')
                       and u.source = a.source), 0)::bigint as spent_fen
      from fund_allocations a
     where (${scope} = a.region_code or ${scope} like a.region_code || '.%')
       ${filter.programCode !== undefined ? sql`and a.program_code = ${filter.programCode}` : sql``}
       ${filter.year !== undefined ? sql`and a.year = ${filter.year}` : sql``}
       ${filter.afterId !== undefined ? sql`and a.id > ${filter.afterId}::uuid` : sql``}
     order by a.id
     ${filter.limit !== undefined ? sql`limit ${filter.limit}` : sql``}
  `.execute(db)
  return rows
}

export type AllocationRow = Awaited<ReturnType<typeof allocationRows>>[number]

/** Locks a programme-year's allocations (approvals of its batches wait for each other) and answers them with their spending. */
export async function lockAllocations (trx: Transaction<DB>, programCode: string, year: number) {
  await sql`select id from fund_allocations where program_code = ${programCode} and year = ${year} for update`.execute(trx)
  return allocationRows(trx, (await districtOf(trx)), { programCode, year })
}

export async function districtOf (db: Kysely<DB>): Promise<string> {
  return (await db.selectFrom('regions').select('code').where('parent_code', 'is', null).executeTakeFirstOrThrow()).code
}

export const BATCH_COLUMNS = sql`b.id, b.program_code, b.rule_version, b.period, b.year, b.region_code, b.status, b.sources, b.count, b.total_fen,
  b.by_source_fen::text[] as by_source_fen, b.failed_by_source_fen::text[] as failed_by_source_fen, b.not_payable, b.job_id,
  b.created_by, b.created_by_name, b.submitted_by, so.name as submitted_by_name, b.approved_by, ao.name as approved_by_name,
  b.exported_by, eo.name as exported_by_name, b.created_at, b.submitted_at, b.approved_at, b.exported_at, b.reconciled_at, b.cancelled_at,
  (select count(*) from payments p where p.batch_id = b.id and p.status = 'paid')::int as paid,
  (select count(*) from payments p where p.batch_id = b.id and p.status = 'failed')::int as failed`

export interface BatchRow {
  id: string
  program_code: string
  rule_version: number
  period: string
  year: number
  region_code: string
  status: 'draft' | 'submitted' | 'approved' | 'exported' | 'reconciled' | 'cancelled'
  sources: string[]
  count: number
  total_fen: number
  by_source_fen: string[]
  failed_by_source_fen: string[]
  not_payable: number
  job_id: string | null
  created_by: string | null
  created_by_name: string
  submitted_by: string | null
  submitted_by_name: string | null
  approved_by: string | null
  approved_by_name: string | null
  exported_by: string | null
  exported_by_name: string | null
  created_at: Date
  submitted_at: Date | null
  approved_at: Date | null
  exported_at: Date | null
  reconciled_at: Date | null
  cancelled_at: Date | null
  paid: number
  failed: number
}

/** Batches of the scope's subtree, by id. */
export async function batchRows (db: Kysely<DB>, scope: string, filter: { ids?: string[], programCode?: string | undefined, status?: string | undefined, afterId?: string | undefined, limit?: number }) {
  const { rows } = await sql<BatchRow>`
    select ${BATCH_COLUMNS}
      from payment_batches b
      left join officers so on so.id = b.submitted_by
      left join officers ao on ao.id = b.approved_by
      left join officers eo on eo.id = b.exported_by
     where ${inSubtree('b.region_code', scope)}
       ${filter.ids ? sql`and ${idIn('b.id', filter.ids)}` : sql``}
       ${filter.programCode !== undefined ? sql`and b.program_code = ${filter.programCode}` : sql``}
       ${filter.status !== undefined ? sql`and b.status = ${filter.status}` : sql``}
       ${filter.afterId !== undefined ? sql`and b.id > ${filter.afterId}::uuid` : sql``}
     order by b.id
     ${filter.limit !== undefined ? sql`limit ${filter.limit}` : sql``}
  `.execute(db)
  return rows
}

export interface PaymentRow {
  id: string
  seq: number
  case_id: string
  person_id: string
  name: string
  status: PaymentStatus
  amount_fen: number
  shares_fen: string[]
  reason_code: string | null
  reason: string | null
  bank_name: string
  branch_code: string
  account_number_cipher: Buffer
  account_number_key: string
  account_number_masked: string
  holder_name: string
  region_code: string
}

/** A batch's payments in file order, from after a position; the payee's current name read from the registry. */
export async function paymentRows (db: Kysely<DB>, batchId: string, filter: { status?: PaymentStatus | undefined, afterSeq?: number | undefined, limit: number }) {
  const { rows } = await sql<PaymentRow>`
    select p.id, p.seq, p.case_id, p.person_id, s.name, p.status, p.amount_fen, p.shares_fen::text[] as shares_fen, p.reason_code, p.reason,
           p.bank_name, p.branch_code, p.account_number_cipher, p.account_number_key, p.account_number_masked, p.holder_name, p.region_code
      from payments p join persons s on s.id = p.person_id
     where p.batch_id = ${batchId}
       ${filter.status !== undefined ? sql`and p.status = ${filter.status}` : sql``}
       ${filter.afterSeq !== undefined ? sql`and p.seq > ${filter.afterSeq}` : sql``}
     order by p.seq
     limit ${filter.limit}
  `.execute(db)
  return rows
}

/**
 * Text every encoding the files offer writes: printable ASCII, the CJK ideographs
 * U+4E00–U+9FA5 (all of GBK's) and the punctuation of names and bank names (· 〇 、 — （ ）).
 * A name of these characters alone needs no closer look.
 */
const PLAIN_TEXT = '^[ -~一-龥·〇、—（）]*$'

/** The batch's payments whose payee or bank name holds a character beyond PLAIN_TEXT, in file order: the few to check against a narrower encoding. */
export async function paymentsWithUncommonNames (db: Kysely<DB>, batchId: string) {
  const { rows } = await sql<{ seq: number, holder_name: string, bank_name: string }>`
    select seq, holder_name, bank_name from payments
     where batch_id = ${batchId} and (holder_name !~ ${PLAIN_TEXT} or bank_name !~ ${PLAIN_TEXT})
     order by seq
  `.execute(db)
  return rows
}

/** What the payment files need of a batch's payments, a chunk at a time in file order. */
export async function exportRows (db: Kysely<DB>, batchId: string, afterSeq: number, limit: number) {
  const { rows } = await sql<{ id: string, seq: number, amount_fen: number, bank_name: string, branch_code: string, account_number_cipher: Buffer, account_number_key: string, holder_name: string }>`
    select id, seq, amount_fen, bank_name, branch_code, account_number_cipher, account_number_key, holder_name
      from payments where batch_id = ${batchId} and seq > ${afterSeq} order by seq limit ${limit}
  `.execute(db)
  return rows
}

export async function notPayableRows (db: Kysely<DB>, batchId: string, filter: { afterSeq?: number | undefined, limit: number }) {
  const { rows } = await sql<{ seq: number, case_id: string, person_id: string, name: string, region_code: string, amount_fen: number }>`
    select n.seq, n.case_id, n.person_id, s.name, n.region_code, n.amount_fen
      from batch_not_payable n join persons s on s.id = n.person_id
     where n.batch_id = ${batchId} ${filter.afterSeq !== undefined ? sql`and n.seq > ${filter.afterSeq}` : sql``}
     order by n.seq limit ${filter.limit}
  `.execute(db)
  return rows
}
