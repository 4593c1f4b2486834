import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'

export type BreakKind = 'row_altered' | 'row_unsealed' | 'rows_missing' | 'block_mismatch' | 'chain_broken' | 'head_mismatch'

export interface AuditVerification {
  valid: boolean
  rowsChecked: number
  blocksChecked: number
  /** The first thing found broken, in row order; null when the trail is intact. */
  firstBroken: { seq: number | null, problem: BreakKind, detail: string } | null
}

type Break = NonNullable<AuditVerification['firstBroken']>

interface BlockProblem {
  broken_seq: number
  unsealed: boolean
  present: number | null
  sealed: number | null
  first_seq: number | null
  last_seq: number | null
  lane: number | null
  lane_seq: number | null
}

/**
 * Recomputes the whole trail in one consistent snapshot: every row against its hash,
 * every transaction's rows against the block that sealed them, every block against
 * its predecessor on its lane, and every lane's head against its last block.
 */
export async function verifyAuditTrail (db: Kysely<DB>): Promise<AuditVerification> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const rows = await checkRows(trx)
    const blocks = await checkBlocks(trx)
    const firstInRowOrder = [rows.broken, blocks.broken]
      .filter((found): found is Break => found !== null)
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))[0]
    const firstBroken = firstInRowOrder ?? await firstBrokenLink(trx) ?? await firstBrokenHead(trx)
    return { valid: firstBroken === null, rowsChecked: rows.count, blocksChecked: blocks.count, firstBroken }
  })
}

/** Every row against its own hash: one scan, which PostgreSQL runs in parallel. */
async function checkRows (db: Kysely<DB>): Promise<{ count: number, broken: Break | null }> {
  const { rows } = await sql<{ rows: number, altered_seq: number | null }>`
    select count(*) as rows, min(seq) filter (where row_hash is distinct from audit_row_hash(e)) as altered_seq
      from audit_events e
  `.execute(db)
  const { rows: count, altered_seq: seq } = rows[0]!
  return {
    count,
    broken: seq === null
      ? null
      : { seq, problem: 'row_altered', detail: `Row ${seq} does not match its hash: its content was changed after it was written.` },
  }
}

/** Each transaction's rows, in order, against the block that sealed them. */
async function checkBlocks (db: Kysely<DB>): Promise<{ count: number, broken: Break | null }> {
  const counted = await sql<{ blocks: number }>`select count(*) as blocks from audit_blocks`.execute(db)
  const { rows } = await sql<BlockProblem>`
    with per_transaction as (
      select txid, count(*) as row_count, min(seq) as first_seq,
             sha256(string_agg(row_hash, ''::bytea order by seq)) as digest
        from audit_events
       group by txid
    )
    select case when b.txid is null then t.first_seq else b.first_seq end as broken_seq,
           b.txid is null as unsealed, t.row_count as present, b.row_count as sealed,
           b.first_seq, b.last_seq, b.lane, b.lane_seq
      from per_transaction t
      full join audit_blocks b on b.txid = t.txid
     where b.txid is null
        or t.txid is null
        or t.row_count <> b.row_count
        or t.digest <> b.rows_digest
     order by broken_seq
     limit 1
  `.execute(db)
  return { count: counted.rows[0]!.blocks, broken: rows[0] ? await describeBlockProblem(db, rows[0]) : null }
}

async function describeBlockProblem (db: Kysely<DB>, problem: BlockProblem): Promise<Break> {
  if (problem.unsealed) {
    return { seq: problem.broken_seq, problem: 'row_unsealed', detail: `Row ${problem.broken_seq} belongs to no sealed block: it was written around the audit mechanism.` }
  }
  const block = `block ${problem.lane_seq} of lane ${problem.lane} (rows ${problem.first_seq}–${problem.last_seq})`
  if ((problem.present ?? 0) < (problem.sealed ?? 0)) {
    const missing = await firstMissingSeq(db, problem.first_seq!, problem.last_seq!)
    return {
      seq: missing ?? problem.broken_seq,
      problem: 'rows_missing',
      detail: `${capitalise(block)} sealed ${problem.sealed} rows; ${problem.present ?? 0} remain${missing === null ? '' : `: row ${missing} was removed`}.`,
    }
  }
  return { seq: problem.broken_seq, problem: 'block_mismatch', detail: `The rows of ${block} no longer match their seal: a row hash was rewritten, or rows were added or moved.` }
}

async function firstMissingSeq (db: Kysely<DB>, from: number, to: number): Promise<number | null> {
  const { rows } = await sql<{ seq: number }>`
    select s::bigint as seq from generate_series(${from}::bigint, ${to}::bigint) s
     where not exists (select 1 from audit_events e where e.seq = s)
     order by s limit 1
  `.execute(db)
  return rows[0]?.seq ?? null
}

async function firstBrokenLink (db: Kysely<DB>): Promise<AuditVerification['firstBroken']> {
  const { rows } = await sql<{ lane: number, lane_seq: number, first_seq: number, last_seq: number }>`
    select lane, lane_seq, first_seq, last_seq
      from (
        select b.*, lag(b.hash) over lane_order as previous_hash, lag(b.lane_seq) over lane_order as previous_seq
          from audit_blocks b
        window lane_order as (partition by b.lane order by b.lane_seq)
      ) chained
     where prev_hash <> coalesce(previous_hash, decode(repeat('00', 32), 'hex'))
        or lane_seq <> coalesce(previous_seq, 0) + 1
        or hash <> audit_block_hash(prev_hash, rows_digest, lane, lane_seq, first_seq, last_seq, row_count)
     order by first_seq
     limit 1
  `.execute(db)
  const broken = rows[0]
  if (!broken) return null
  return {
    seq: broken.first_seq,
    problem: 'chain_broken',
    detail: `Block ${broken.lane_seq} of lane ${broken.lane} (rows ${broken.first_seq}–${broken.last_seq}) does not follow from the block before it: a block was removed, altered or inserted.`,
  }
}

async function firstBrokenHead (db: Kysely<DB>): Promise<AuditVerification['firstBroken']> {
  const { rows } = await sql<{ lane: number, block_count: number, last_seq: number | null }>`
    select l.lane, l.block_count, last_block.lane_seq as last_seq
      from audit_lanes l
      left join lateral (
        select b.lane_seq, b.hash from audit_blocks b where b.lane = l.lane order by b.lane_seq desc limit 1
      ) last_block on true
     where l.block_count <> coalesce(last_block.lane_seq, 0)
        or l.head_hash <> coalesce(last_block.hash, decode(repeat('00', 32), 'hex'))
     order by l.lane
     limit 1
  `.execute(db)
  const broken = rows[0]
  if (!broken) return null
  return {
    seq: null,
    problem: 'head_mismatch',
    detail: `Lane ${broken.lane} records ${broken.block_count} blocks but ends at block ${broken.last_seq ?? 0}: blocks were removed from its end.`,
  }
}

function capitalise (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
