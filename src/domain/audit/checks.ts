import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'

// The checks of verification as SQL, each one scan. They answer what they found;
// verify.ts decides which finding comes first and how to word it.

/** Every row against its own hash, in its own format: one scan, which PostgreSQL runs in parallel. */
export async function firstAlteredRow (db: Kysely<DB>): Promise<{ rows: number, seq: number | null }> {
  const { rows } = await sql<{ rows: number, seq: number | null }>`
    select count(*) as rows, min(seq) filter (where row_hash is distinct from audit_row_hash_of(e)) as seq
      from audit_events e
  `.execute(db)
  return rows[0]!
}

/** A block whose hash, sealed hashes or link to the block before it on its lane do not hold. */
export interface BrokenLink {
  lane: number
  lane_seq: number
  first_seq: number
  last_seq: number
  /** The block does not match its own hash (or its sealed hashes do not match its digest). */
  altered: boolean
}

/** The first block, in row order, that is altered or does not follow from its predecessor. */
export async function firstBrokenLink (db: Kysely<DB>): Promise<BrokenLink | null> {
  const { rows } = await sql<BrokenLink>`
    select lane, lane_seq, first_seq, last_seq, altered
      from (
        select b.lane, b.lane_seq, b.first_seq, b.last_seq, b.prev_hash,
               b.hash is distinct from audit_block_hash_of(b)
                 or (b.hash_version = 2 and (b.row_hashes is null
                                             or octet_length(b.row_hashes) <> 32 * b.row_count
                                             or sha256(b.row_hashes) <> b.rows_digest)) as altered,
               lag(b.hash) over lane_order as previous_hash, lag(b.lane_seq) over lane_order as previous_seq
          from audit_blocks b
        window lane_order as (partition by b.lane order by b.lane_seq)
      ) chained
     where altered
        or prev_hash <> coalesce(previous_hash, decode(repeat('00', 32), 'hex'))
        or lane_seq <> coalesce(previous_seq, 0) + 1
     order by first_seq, lane
     limit 1
  `.execute(db)
  return rows[0] ?? null
}

/**
 * A transaction whose rows are not what its block sealed: a block with other rows,
 * or rows with no block. `bound` is the lowest row number a finding about it can name.
 */
export interface BrokenBlock {
  txid: string
  /** Null when the transaction's rows have no block. */
  lane: number | null
  lane_seq: number | null
  first_seq: number | null
  last_seq: number | null
  /** The rows the block sealed: its row_count in format 1, its sealed hashes in format 2. */
  sealed: number | null
  hash_version: number | null
  present: number
  min_seq: number | null
  bound: number
}

/** Each transaction's rows, in seq order, against the block that sealed them: one grouped scan. */
export async function brokenBlocks (db: Kysely<DB>): Promise<{ blocks: number, broken: BrokenBlock[] }> {
  const counted = await sql<{ blocks: number }>`select count(*) as blocks from audit_blocks`.execute(db)
  const { rows } = await sql<BrokenBlock>`
    with per_transaction as (
      select txid, count(*) as row_count, min(seq) as min_seq, string_agg(row_hash, ''::bytea order by seq) as hashes
        from audit_events
       group by txid
    )
    select coalesce(b.txid, t.txid)::text as txid, b.lane, b.lane_seq, b.first_seq, b.last_seq,
           case b.hash_version when 1 then b.row_count else coalesce(octet_length(b.row_hashes), 0) / 32 end as sealed,
           b.hash_version, coalesce(t.row_count, 0) as present, t.min_seq, least(b.first_seq, t.min_seq) as bound
      from per_transaction t
      full join audit_blocks b on b.txid = t.txid
     where b.txid is null
        or t.txid is null
        or case b.hash_version
             when 1 then t.row_count <> b.row_count or sha256(t.hashes) <> b.rows_digest
             else t.hashes is distinct from b.row_hashes
           end
     order by bound, b.lane nulls first, b.lane_seq
  `.execute(db)
  return { blocks: counted.rows[0]!.blocks, broken: rows }
}

/**
 * Where a transaction's rows first differ from the hashes its block sealed (format 2):
 * the position, the row there (if any), the row before it (if any), and whether the
 * row there is one the block sealed (at a later place).
 */
export async function firstDifference (db: Kysely<DB>, txid: string): Promise<{ k: number, seq: number | null, previous_seq: number | null, sealed_elsewhere: boolean }> {
  const { rows } = await sql<{ k: number, seq: number, previous_seq: number | null, sealed_elsewhere: boolean }>`
    with sealed as (
      select coalesce(row_hashes, ''::bytea) as row_hashes, coalesce(octet_length(row_hashes), 0) / 32 as row_count
        from audit_blocks where txid = ${txid}::xid8
    ),
    present as (
      select seq, row_hash, row_number() over (order by seq) - 1 as k, lag(seq) over (order by seq) as previous_seq
        from audit_events where txid = ${txid}::xid8
    ),
    first_difference as (
      select p.k, p.seq, p.previous_seq, p.row_hash
        from present p, sealed s
       where p.k >= s.row_count or p.row_hash <> substring(s.row_hashes from (p.k * 32 + 1)::integer for 32)
       order by p.k
       limit 1
    )
    select d.k, d.seq, d.previous_seq,
           exists (select 1 from sealed s, generate_series(0, s.row_count - 1) j
                    where substring(s.row_hashes from (j * 32 + 1)::integer for 32) = d.row_hash) as sealed_elsewhere
      from first_difference d
  `.execute(db)
  if (rows[0]) return rows[0]
  // Every row present is the one sealed at its place: the rows after the last are gone.
  const { rows: tail } = await sql<{ k: number, last_seq: number | null }>`
    select count(*) as k, max(seq) as last_seq from audit_events where txid = ${txid}::xid8
  `.execute(db)
  return { k: tail[0]!.k, seq: null, previous_seq: tail[0]!.last_seq, sealed_elsewhere: false }
}

/** The first row number from `from` to `to` (both included) that no row holds. */
export async function firstFreeSeq (db: Kysely<DB>, from: number, to: number): Promise<number | null> {
  if (from > to) return null
  const { rows } = await sql<{ seq: number }>`
    select s::bigint as seq from generate_series(${from}::bigint, ${to}::bigint) s
     where not exists (select 1 from audit_events e where e.seq = s)
     order by s limit 1
  `.execute(db)
  return rows[0]?.seq ?? null
}

/** Whether a row holds this number. */
export async function seqHeld (db: Kysely<DB>, seq: number): Promise<boolean> {
  return (await firstFreeSeq(db, seq, seq)) === null
}

export interface LaneHead {
  lane: number
  block_count: number
  head_hash: Buffer
  /** The lane's last block, 0 when it has none, and its hash (32 zero bytes when none). */
  last_seq: number
  last_hash: Buffer
}

/** The first lane whose head is not its last block. */
export async function firstBrokenHead (db: Kysely<DB>): Promise<LaneHead | null> {
  const { rows } = await sql<LaneHead>`
    select l.lane, l.block_count, l.head_hash, coalesce(last_block.lane_seq, 0) as last_seq,
           coalesce(last_block.hash, decode(repeat('00', 32), 'hex')) as last_hash
      from audit_lanes l
      left join lateral (
        select b.lane_seq, b.hash from audit_blocks b where b.lane = l.lane order by b.lane_seq desc limit 1
      ) last_block on true
     where l.block_count <> coalesce(last_block.lane_seq, 0)
        or l.head_hash <> coalesce(last_block.hash, decode(repeat('00', 32), 'hex'))
     order by l.lane
     limit 1
  `.execute(db)
  return rows[0] ?? null
}
