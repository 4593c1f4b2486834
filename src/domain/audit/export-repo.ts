import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

// The reads of an export, each a page in key order, so that a trail of any size
// passes through memory a page at a time.

export interface ExportRow {
  seq: number
  txid: string
  hash_version: number
  /** Whether the row is about the caller's region; the others go out as their hash alone. */
  visible: boolean
  occurred_at: string
  entity_type: string
  entity_id: string
  action: string
  from_status: string | null
  to_status: string | null
  actor_kind: string
  actor_id: string | null
  actor_name: string
  actor_role: string | null
  actor_region: string | null
  region_code: string
  reason: string | null
  request_id: string | null
  changes: string | null
  row_hash: string
}

/**
 * Rows after `afterSeq`, in seq order. With `sinceCounts`, only those not sealed at or
 * before that head: rows of later blocks and rows of no block.
 */
export function exportRows (db: Kysely<DB>, scope: string, afterSeq: number, limit: number, sinceCounts: number[] | null) {
  return sql<ExportRow>`
    select e.seq, e.txid::text as txid, e.hash_version, ${inSubtree(sql.ref('e.region_code'), scope)} as visible,
           to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
           e.entity_type, e.entity_id, e.action, e.from_status, e.to_status, e.actor_kind, e.actor_id::text as actor_id,
           e.actor_name, e.actor_role, e.actor_region, e.region_code, e.reason, e.request_id, e.changes::text as changes,
           encode(e.row_hash, 'hex') as row_hash
      from audit_events e
     where e.seq > ${afterSeq}
       ${sinceCounts === null ? sql`` : sql`and not exists (
         select 1 from audit_blocks b where b.txid = e.txid and b.lane_seq <= (${sinceCounts}::bigint[])[b.lane + 1])`}
     order by e.seq
     limit ${limit}
  `.execute(db).then((result) => result.rows)
}

export interface ExportBlock {
  lane: number
  lane_seq: number
  txid: string
  first_seq: number
  last_seq: number
  row_count: number
  hash_version: number
  rows_digest: string
  prev_hash: string
  hash: string
  sealed_at: string
  /** The sealed hashes in hex when they are short; null when absent or to be read in parts. */
  row_hashes: string | null
  /** Their length in bytes; null in format 1. */
  row_hashes_bytes: number | null
}

/** Sealed hashes up to this many bytes come with their block; longer ones are read in parts. */
export const INLINE_HASH_BYTES = 256 * 1024

/** Blocks after (lane, laneSeq), in lane order; with `sinceCounts`, only those past that head. */
export function exportBlocks (db: Kysely<DB>, after: { lane: number, laneSeq: number }, limit: number, sinceCounts: number[] | null) {
  return sql<ExportBlock>`
    select b.lane, b.lane_seq, b.txid::text as txid, b.first_seq, b.last_seq, b.row_count, b.hash_version,
           encode(b.rows_digest, 'hex') as rows_digest, encode(b.prev_hash, 'hex') as prev_hash, encode(b.hash, 'hex') as hash,
           to_char(b.sealed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sealed_at,
           case when octet_length(b.row_hashes) <= ${INLINE_HASH_BYTES} then encode(b.row_hashes, 'hex') end as row_hashes,
           octet_length(b.row_hashes) as row_hashes_bytes
      from audit_blocks b
     where (b.lane, b.lane_seq) > (${after.lane}, ${after.laneSeq})
       ${sinceCounts === null ? sql`` : sql`and b.lane_seq > (${sinceCounts}::bigint[])[b.lane + 1]`}
     order by b.lane, b.lane_seq
     limit ${limit}
  `.execute(db).then((result) => result.rows)
}

/** A part of a block's sealed hashes, in hex. */
export async function exportHashPart (db: Kysely<DB>, txid: string, offset: number, bytes: number): Promise<string> {
  const { rows } = await sql<{ part: string }>`
    select encode(substring(row_hashes from ${offset + 1}::integer for ${bytes}::integer), 'hex') as part
      from audit_blocks where txid = ${txid}::xid8
  `.execute(db)
  return rows[0]?.part ?? ''
}
