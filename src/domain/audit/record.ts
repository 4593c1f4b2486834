import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.js'
import type { AuditContext } from './context.js'

export interface AuditEntry {
  entityType: string
  entityId: string
  action: string
  fromStatus?: string | null
  toStatus?: string | null
  /** The region of the thing changed: it decides who may read the row. */
  regionCode: string
  reason?: string | null
  /** The changed fields, PII already masked. */
  changes?: Record<string, unknown> | null
}

/**
 * Writes audit rows. It takes a Transaction, so the rows commit or roll back with the
 * change they record; the database hashes each row and seals the transaction's rows
 * into the chain as it commits.
 */
export async function recordAudit (trx: Transaction<DB>, context: AuditContext, ...entries: AuditEntry[]): Promise<void> {
  // Chunks keep a statement under PostgreSQL's 65,535 bound parameters.
  for (let start = 0; start < entries.length; start += 2000) {
    await insertEntries(trx, context, entries.slice(start, start + 2000))
  }
}

async function insertEntries (trx: Transaction<DB>, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  await (trx as Kysely<DB>).insertInto('audit_events').values(entries.map((entry) => ({
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    from_status: entry.fromStatus ?? null,
    to_status: entry.toStatus ?? null,
    actor_kind: context.actor.kind,
    actor_id: context.actor.id,
    actor_name: context.actor.name,
    actor_role: context.actor.role,
    actor_region: context.actor.regionCode,
    region_code: entry.regionCode,
    reason: entry.reason ?? null,
    request_id: context.requestId,
    changes: entry.changes ? JSON.stringify(entry.changes) : null,
  }))).execute()
}
