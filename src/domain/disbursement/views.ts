import type { FundSource } from '../../db/types.js'
import type { Actor } from '../identity/actor.js'
import { formatFen } from '../money.js'
import { seesWholeAccountNumber } from '../registry/bank-accounts.js'
import { maskName, type PiiVault } from '../registry/pii.js'
import type { AllocationRow, BatchRow, PaymentRow } from './repo.js'
import type { Batch, FundAllocation, Payment } from './schemas.js'


/** A payment's id as ISO 20022's EndToEndId and the CSV files' 业务编号: its 32 hex digits. */
export function endToEndId (paymentId: string): string {
  return paymentId.replaceAll('-', '')
}

/** An EndToEndId back to the payment's id, or null when it is not 32 hex digits. */
export function paymentIdOf (endToEnd: string): string | null {
  const hex = endToEnd.trim().toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) return null
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The batch's pain.001 message id (35 characters at most): HM and its id's hex digits. */
export function messageIdOf (batchId: string): string {
  return `HM${endToEndId(batchId)}`
}

export function toAllocation (row: AllocationRow): FundAllocation {
  return {
    id: row.id,
    programCode: row.program_code,
    year: row.year,
    source: row.source,
    amount: formatFen(row.amount_fen),
    spent: formatFen(row.spent_fen),
    remaining: formatFen(Math.max(row.amount_fen - row.spent_fen, 0)),
    regionCode: row.region_code,
    createdAt: row.created_at.toISOString(),
  }
}

const officerRef = (id: string | null, name: string | null) => name === null ? null : { id, name }

export function toBatch (row: BatchRow): Batch {
  return {
    id: row.id,
    programCode: row.program_code,
    ruleVersion: row.rule_version,
    period: row.period,
    regionCode: row.region_code,
    status: row.status,
    count: row.count,
    total: formatFen(row.total_fen),
    bySource: row.sources.map((source, index) => ({ source: source as FundSource, amount: formatFen(Number(row.by_source_fen[index] ?? 0)) })),
    notPayable: row.not_payable,
    paid: row.paid,
    failed: row.failed,
    messageId: messageIdOf(row.id),
    jobId: row.job_id,
    createdBy: { id: row.created_by, name: row.created_by_name },
    submittedBy: row.submitted_by ? officerRef(row.submitted_by, row.submitted_by_name) : null,
    approvedBy: row.approved_by ? officerRef(row.approved_by, row.approved_by_name) : null,
    exportedBy: row.exported_by ? officerRef(row.exported_by, row.exported_by_name) : null,
    createdAt: row.created_at.toISOString(),
    submittedAt: row.submitted_at?.toISOString() ?? null,
    approvedAt: row.approved_at?.toISOString() ?? null,
    exportedAt: row.exported_at?.toISOString() ?? null,
    reconciledAt: row.reconciled_at?.toISOString() ?? null,
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
  }
}

export function toPayment (row: PaymentRow, sources: readonly string[], vault: PiiVault, actor: Actor): Payment {
  return {
    id: row.id,
    seq: row.seq,
    personId: row.person_id,
    caseId: row.case_id,
    name: maskName(row.name),
    amount: formatFen(row.amount_fen),
    bySource: sources.map((source, index) => ({ source: source as FundSource, amount: formatFen(Number(row.shares_fen[index] ?? 0)) })),
    status: row.status,
    ...(row.reason_code ? { reasonCode: row.reason_code } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    account: seesWholeAccountNumber(actor) ? vault.decrypt(row.account_number_cipher, row.account_number_key) : row.account_number_masked,
    bankCode: row.branch_code,
    bankName: row.bank_name,
    holderName: maskName(row.holder_name),
  }
}
