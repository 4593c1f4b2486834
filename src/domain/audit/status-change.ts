import type { Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from './context.js'
import { recordAudit } from './record.js'

/** The state machine of one kind of thing: for each status, where it may go. */
export type Transitions = Readonly<Record<string, readonly string[]>>

export interface StatusChange {
  entityType: string
  entityId: string
  /** The verb recorded in the audit trail: revoke, confirm, approve … */
  action: string
  to: string
  transitions: Transitions
  reason?: string | null
  changes?: Record<string, unknown> | null
  /**
   * Locks the row (SELECT … FOR UPDATE) within the caller's region and answers its
   * status and region, or undefined when there is no such row in that region.
   */
  lock: () => Promise<{ status: string, regionCode: string } | undefined>
  /** Writes the new status (and whatever goes with it) to the locked row. */
  apply: () => Promise<void>
}

/**
 * The one way a status changes: lock the row, check the transition, update, write
 * the audit row, all in the caller's transaction. A refused change writes nothing.
 */
export async function changeStatus (trx: Transaction<DB>, context: AuditContext, change: StatusChange): Promise<{ from: string }> {
  const current = await change.lock()
  if (!current) throw new ProblemError(404, 'not_found', `No ${change.entityType} ${change.entityId} in your region.`)
  if (!change.transitions[current.status]?.includes(change.to)) {
    throw new ProblemError(409, 'transition_not_allowed',
      `A ${change.entityType} that is ${current.status} cannot become ${change.to}.`)
  }
  await change.apply()
  await recordAudit(trx, context, {
    entityType: change.entityType,
    entityId: change.entityId,
    action: change.action,
    fromStatus: current.status,
    toStatus: change.to,
    regionCode: current.regionCode,
    reason: change.reason ?? null,
    changes: change.changes ?? null,
  })
  return { from: current.status }
}
