import { sql, type Transaction } from 'kysely'
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
  // Chunks keep each array, and the statement, a moderate size.
  for (let start = 0; start < entries.length; start += 5000) {
    await insertEntries(trx, context, entries.slice(start, start + 5000))
  }
}

/**
 * One statement for many rows: the request's actor as single values, the rows' own
 * fields as one JSON document, so the statement has seven parameters however many rows.
 */
async function insertEntries (trx: Transaction<DB>, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  const { actor } = context
  const rows = JSON.stringify(entries.map((entry) => ({
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    from_status: entry.fromStatus ?? null,
    to_status: entry.toStatus ?? null,
    region_code: entry.regionCode,
    reason: entry.reason ?? null,
    changes: entry.changes ?? null,
  })))
  await sql`
    insert into audit_events (entity_type, entity_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role,
                              actor_region, region_code, reason, request_id, changes)
    select entity_type, entity_id, action, from_status, to_status,
           ${actor.kind}, ${actor.id}::uuid, ${actor.name}, ${actor.role}, ${actor.regionCode}, region_code, reason, ${context.requestId},
           nullif(changes, 'null'::jsonb)
      from jsonb_to_recordset(${rows}::jsonb)
        as rows (entity_type text, entity_id text, action text, from_status text, to_status text, region_code text, reason text, changes jsonb)
  `.execute(trx)
}
