import { sql, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { DB, PaymentStatus } from '../../db/types.js'
import { notFound } from '../entities.js'
import type { Acting } from '../identity/acting.js'
import { formatFen } from '../money.js'
import { inSubtree } from '../regions/scope.js'
import { defineMachine } from '../state/machine.js'

export interface LockedPayment {
  id: string
  status: PaymentStatus
  region_code: string
  batch_id: string
  case_id: string
  amount_fen: number
}

function lockPayments (trx: Transaction<DB>, ids: readonly string[], acting: Acting): Promise<LockedPayment[]> {
  return sql<LockedPayment>`
    select id, status, region_code, batch_id, case_id, amount_fen from payments
     where ${idIn('id', ids)} and ${inSubtree('region_code', acting.scope)}
       for update
  `.execute(trx).then((result) => result.rows)
}

/**
 * A payment's life: pending until the bank answers, then paid or failed, as the finance
 * officer who posts the bank's results records it; cancelled by the service with its
 * batch. Only pending and paid payments hold their beneficiary's period
 * (payments_pending_or_paid): a failed or cancelled one may be paid again.
 */
export const PAYMENT = defineMachine({
  entity: 'payment',
  table: 'payments',
  steps: {
    pay: { from: ['pending'], to: 'paid', role: 'finance_officer' },
    fail: { from: ['pending'], to: 'failed', role: 'finance_officer' },
    cancel: { from: ['pending'], to: 'cancelled', role: 'system' },
  },
  lock: lockPayments,
  notFound: notFound('payment'),
  columns: (to, acting) => to === 'paid' || to === 'failed' ? { settled_at: acting.clock.sql } : {},
  audited: (payment) => ({ batchId: payment.batch_id, amount: formatFen(payment.amount_fen) }),
})

export type PaymentAction = keyof typeof PAYMENT.steps
