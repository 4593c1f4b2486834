import { sql, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { BatchStatus, DB } from '../../db/types.js'
import { notFound } from '../entities.js'
import { holds, systemActing, type Acting } from '../identity/acting.js'
import { formatFen } from '../money.js'
import { inSubtree } from '../regions/scope.js'
import { fourEyes } from '../state/errors.js'
import { defineMachine, transitionMany, type Changed, type Guard, type Machine, type StepRole } from '../state/machine.js'
import { overspend } from './errors.js'
import { PAYMENT } from './payment-machine.js'
import { lockAllocations } from './repo.js'

export interface LockedBatch {
  id: string
  status: BatchStatus
  region_code: string
  program_code: string
  period: string
  year: number
  count: number
  total_fen: number
  submitted_by: string | null
  /** The first source the batch would overspend, if approved now. */
  overspent: { source: string, remaining_fen: number, share_fen: number } | null
}

/**
 * Locks batches, and the allocations of their programme-years so that two approvals
 * cannot both spend the same remainder; each batch carries the first of its sources
 * whose share exceeds what remains (no allocation: nothing remains).
 */
async function lockBatches (trx: Transaction<DB>, ids: readonly string[], acting: Acting): Promise<LockedBatch[]> {
  const { rows } = await sql<Omit<LockedBatch, 'overspent'> & { sources: string[], by_source_fen: string[] }>`
    select id, status, region_code, program_code, period, year, count, total_fen, submitted_by, sources, by_source_fen::text[] as by_source_fen
      from payment_batches b
     where ${idIn('id', ids)} and ${inSubtree('b.region_code', acting.scope)}
     order by id
       for update
  `.execute(trx)
  const locked: LockedBatch[] = []
  for (const row of rows) {
    const allocations = await lockAllocations(trx, row.program_code, row.year)
    const overspent = row.sources.map((source, index) => {
      const allocation = allocations.find((each) => each.source === source)
      const remaining = allocation ? allocation.amount_fen - allocation.spent_fen : 0
      return { source, remaining_fen: remaining, share_fen: Number(row.by_source_fen[index] ?? 0) }
    }).find((each) => each.share_fen > each.remaining_fen) ?? null
    const { sources: _sources, by_source_fen: _shares, ...batch } = row
    locked.push({ ...batch, overspent })
  }
  return locked
}

/** Four eyes: the approver is not the officer who submitted the batch. */
const notTheSubmitter: Guard<LockedBatch> = (batch, acting) =>
  acting.actor.kind === 'officer' && batch.submitted_by === acting.actor.id
    ? fourEyes('You submitted this batch; another finance approver approves it.')
    : undefined

const withinAllocations: Guard<LockedBatch> = (batch) => batch.overspent
  ? overspend(batch.overspent.source, formatFen(Math.max(batch.overspent.remaining_fen, 0)), formatFen(batch.overspent.share_fen), batch.year)
  : undefined

/** A batch is cancelled by whoever of finance holds it: the officer who prepares it, or the approver who refuses it. */
const cancellerRole = (_batch: LockedBatch, acting: Acting): StepRole =>
  holds(acting, 'finance_officer') || !holds(acting, 'finance_approver') ? 'finance_officer' : 'finance_approver'

const officer = (acting: Acting) => sql`${acting.actor.kind === 'officer' ? acting.actor.id : null}::uuid`

/**
 * A payment batch's life (DESIGN §6): draft → submitted (finance officer) → approved
 * (a finance approver who did not submit it, within the allocations) → exported (the
 * file handed to the bank) → reconciled by the service when every payment is settled;
 * or cancelled before export, which cancels its pending payments.
 */
export type BatchAction = 'submit' | 'approve' | 'export' | 'reconcile' | 'cancel'

export const BATCH: Machine<BatchStatus, BatchAction, LockedBatch> = defineMachine({
  entity: 'batch',
  table: 'payment_batches',
  steps: {
    submit: { from: ['draft'], to: 'submitted', role: 'finance_officer' },
    approve: { from: ['submitted'], to: 'approved', role: 'finance_approver', guards: [notTheSubmitter], holds: [withinAllocations] },
    export: { from: ['approved'], to: 'exported', role: 'finance_officer' },
    reconcile: { from: ['exported'], to: 'reconciled', role: 'system' },
    cancel: { from: ['draft', 'submitted', 'approved'], to: 'cancelled', role: cancellerRole, reasonRequired: true },
  },
  lock: lockBatches,
  notFound: notFound('batch'),
  columns: (to, acting) => {
    switch (to) {
      case 'submitted': return { submitted_by: officer(acting), submitted_at: acting.clock.sql }
      case 'approved': return { approved_by: officer(acting), approved_at: acting.clock.sql }
      case 'exported': return { exported_by: officer(acting), exported_at: acting.clock.sql }
      case 'reconciled': return { reconciled_at: acting.clock.sql }
      case 'cancelled': return { cancelled_at: acting.clock.sql }
      default: return {}
    }
  },
  audited: (batch) => ({ programCode: batch.program_code, period: batch.period, count: batch.count, total: formatFen(batch.total_fen) }),
  afterwards: cancelPayments,
})

/** A cancelled batch's pending payments are cancelled with it, so that a new batch may pay their beneficiaries. */
async function cancelPayments (trx: Transaction<DB>, changed: ReadonlyArray<Changed<BatchStatus, BatchAction, LockedBatch>>, acting: Acting): Promise<void> {
  if (changed[0]?.action !== 'cancel') return
  const system = systemActing('huimin', acting.scope, acting.clock, acting.requestId)
  for (const { row } of changed) {
    const pending = await trx.selectFrom('payments').select('id').where('batch_id', '=', row.id).where('status', '=', 'pending').execute()
    if (pending.length > 0) await transitionMany(trx, PAYMENT, system, pending.map((each) => each.id), 'cancel', { reason: 'the batch was cancelled' })
  }
}
