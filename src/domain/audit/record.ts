import { sql, type RawBuilder, type Transaction } from 'kysely'
import { recordset } from '../../db/recordset.js'
import type { DB } from '../../db/types.js'
import type { EntityType } from '../entities.js'
import type { Acting } from '../identity/acting.js'
import type { Role } from '../identity/roles.js'

/**
 * The verbs of changes that are not a state machine's step (those are the machine's
 * own action names): a thing created, imported, corrected, or a fact recorded on it.
 */
export type RecordAction =
  | 'create' | 'update' | 'import' | 'issue' | 'seed' | 'set' | 'set_bank_account'
  | `record_${'sterilisation' | 'only_child_certificate' | 'out_of_policy_birth' | 'adoption' | 'disability_assessment' | 'exam_result' | 'service' | 'death'}`

export interface AuditEntry {
  entityType: EntityType
  entityId: string
  action: RecordAction | (string & {})
  fromStatus?: string | null
  toStatus?: string | null
  /** The region of the thing changed: it decides who may read the row. */
  regionCode: string
  reason?: string | null
  /** The changed fields, PII already masked. */
  changes?: Record<string, unknown> | null
  /** The role this change was made in, when it is not the acting role (a state machine's step decides it). */
  role?: Role
  /** The request this change was asked in, when it is not the acting one (steps asked in different requests, written together). */
  requestId?: string | null
}

/**
 * Writes audit rows. It takes a Transaction, so the rows commit or roll back with the
 * change they record; the database hashes each row and seals the transaction's rows
 * into the chain as it commits. The time is the clock's.
 */
export async function recordAudit (trx: Transaction<DB>, acting: Acting, ...entries: AuditEntry[]): Promise<void> {
  for (const chunk of auditChunks(entries)) await auditInsert(acting, chunk).execute(trx)
}

/** The most audit rows one statement writes: chunks keep each JSON document, and the statement, a moderate size. */
const MOST_PER_STATEMENT = 5000

export function auditChunks<T> (entries: readonly T[]): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < entries.length; start += MOST_PER_STATEMENT) chunks.push(entries.slice(start, start + MOST_PER_STATEMENT))
  return chunks
}

/**
 * The INSERT of many audit rows, as a statement of its own or the end of a larger one
 * (a state machine's UPDATE and its audit rows are one statement): the acting caller,
 * and what every row shares, as single values, the rest of the rows' fields as one JSON
 * document (recordset), so the statement has a handful of parameters however many rows.
 * With `whenAll`, the rows are written only if the named CTE returned that many rows (a
 * state machine's UPDATE, which moves exactly the rows the entries record, or fewer if
 * something went wrong): one count, where matching each row's id to the CTE's cost a
 * hash join of them all.
 */
export function auditInsert (acting: Acting, entries: AuditEntry[], whenAll?: { cte: string, rows: number }): RawBuilder<unknown> {
  const { actor } = acting
  const rows = recordset(entries.map((entry) => ({
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    from_status: entry.fromStatus ?? null,
    to_status: entry.toStatus ?? null,
    region_code: entry.regionCode,
    reason: entry.reason ?? null,
    changes: entry.changes ?? null,
    actor_role: entry.role ?? acting.role,
    request_id: entry.requestId === undefined ? acting.requestId : entry.requestId,
  })), AUDIT_COLUMNS, 'rows')
  const column = rows.column
  return sql`
    insert into audit_events (occurred_at, entity_type, entity_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role,
                              actor_region, region_code, reason, request_id, changes)
    select ${acting.clock.sql}, ${column('entity_type')}, ${column('entity_id')}, ${column('action')}, ${column('from_status')}, ${column('to_status')},
           ${actor.kind}, ${actor.id}::uuid, ${actor.name}, ${column('actor_role')}, ${actor.kind === 'system' ? null : actor.regionCode},
           ${column('region_code')}, ${column('reason')}, ${column('request_id')}, nullif(${column('changes')}, 'null'::jsonb)
      from ${rows.from}
     ${whenAll ? sql`where (select count(*) from ${sql.table(whenAll.cte)}) = ${whenAll.rows}` : sql``}
  `
}

/** An audit row's own fields, as auditInsert sends them. */
const AUDIT_COLUMNS = {
  entity_type: 'text', entity_id: 'text', action: 'text', from_status: 'text', to_status: 'text', region_code: 'text',
  reason: 'text', changes: 'jsonb', actor_role: 'text', request_id: 'text',
} as const

/**
 * A statement and its audit rows as one statement (`with audited as (INSERT …) <statement>`):
 * for a write that needs no transaction of its own, one round trip instead of four
 * (begin, write, audit, commit). PostgreSQL runs a single statement atomically.
 */
export function withAudit (acting: Acting, entries: AuditEntry[], statement: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`with audited as (${auditInsert(acting, entries)}) ${statement}`
}

/**
 * The columns a statement gives recordAuditOf, one row per audit row: what recordAudit's
 * entries hold, as SQL. `changes` is jsonb; the others text.
 */
export interface AuditRowsQuery {
  /** A SELECT with columns entity_type, entity_id, action, from_status, to_status, region_code, reason, changes. */
  rows: RawBuilder<unknown>
}

/**
 * Writes one audit row per row a SELECT gives, in one INSERT … SELECT: for set-based
 * work of a million rows (a batch's payments), which would not fit recordAudit's JSON
 * documents. The acting caller, the role and the time are the same for every row.
 */
export async function recordAuditOf (trx: Transaction<DB>, acting: Acting, query: AuditRowsQuery, role?: Role): Promise<number> {
  const result = await auditInsertOf(acting, query, role).execute(trx)
  return Number(result.numAffectedRows ?? 0)
}

/** recordAuditOf's statement, to run alone or as a CTE of a larger one (a verification and its audit row). */
export function auditInsertOf (acting: Acting, query: AuditRowsQuery, role?: Role): RawBuilder<unknown> {
  const { actor } = acting
  return sql`
    insert into audit_events (occurred_at, entity_type, entity_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role,
                              actor_region, region_code, reason, request_id, changes)
    select ${acting.clock.sql}, r.entity_type, r.entity_id, r.action, r.from_status, r.to_status,
           ${actor.kind}, ${actor.id}::uuid, ${actor.name}, ${role ?? acting.role}, ${actor.kind === 'system' ? null : actor.regionCode}, r.region_code, r.reason,
           ${acting.requestId}, r.changes
      from (${query.rows}) as r
  `
}
