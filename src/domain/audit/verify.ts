import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { brokenBlocks, firstAlteredRow, firstBrokenHead, firstBrokenLink, firstDifference, firstFreeSeq, seqHeld, type BrokenBlock } from './checks.js'
import { earlier, found, type BlockPlace, type Finding } from './findings.js'
import { checkExtends, type TrailHead } from './head.js'

export type { Finding, Problem } from './findings.js'

export interface AuditVerification {
  valid: boolean
  rowsChecked: number
  blocksChecked: number
  /** The first thing found broken (docs/audit.md, "Verification"); null when the trail is intact. */
  firstBroken: Finding | null
}

type Ranked = { finding: Finding, check: number } | null

/** The checks in the order that breaks a tie between findings naming the same row. */
const ROWS = 1
const BLOCKS = 2
const ROWS_AGAINST_BLOCKS = 3

/**
 * Recomputes the whole trail in one consistent snapshot: every row against its hash,
 * every block against its hash and its predecessor on its lane, every transaction's
 * rows against what its block sealed, then every lane's head against its last block,
 * and, when a head recorded earlier is given, that the trail still extends it.
 */
export async function verifyAuditTrail (db: Kysely<DB>, options: VerifyOptions = {}): Promise<AuditVerification> {
  // In a transaction it is given, it reads what that transaction sees.
  if (db.isTransaction) return verifyIn(db, null, options)
  return snapshot(db, (trx) => verifyIn(trx, options.parallel ? db : null, options))
}

export interface VerifyOptions {
  /** A head recorded earlier, which the trail must still extend. */
  since?: TrailHead
  /**
   * Let the grouped scan of blocks run on a second session beside the parallel scan of
   * rows, in the same snapshot: for PostgreSQL. The embedded engine has one session.
   */
  parallel?: boolean
}

/** A read-only transaction on one snapshot, with room to sort each transaction's rows in memory. */
function snapshot<T> (db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>, imported?: string): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    if (imported !== undefined) await sql`set transaction snapshot ${sql.lit(imported)}`.execute(trx)
    await sql`set local work_mem = '64MB'`.execute(trx)
    return work(trx)
  })
}

async function verifyIn (trx: Kysely<DB>, sessions: Kysely<DB> | null, options: VerifyOptions): Promise<AuditVerification> {
  let rows: Awaited<ReturnType<typeof firstAlteredRow>>
  let blocks: Awaited<ReturnType<typeof brokenBlocks>>
  if (sessions) {
    const exported = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx)
    ;[rows, blocks] = await Promise.all([firstAlteredRow(trx), snapshot(sessions, brokenBlocks, exported.rows[0]!.id)])
  } else {
    rows = await firstAlteredRow(trx)
    blocks = await brokenBlocks(trx)
  }
  const link = await firstBrokenLink(trx)
  let first: Ranked = rows.seq === null ? null : { finding: found.rowAltered(rows.seq), check: ROWS }
  if (link) {
    const place = placeOf(link)
    first = earlier(first, { finding: link.altered ? found.blockAltered(place) : found.linkBroken(place), check: BLOCKS })
  }
  for (const block of blocks.broken) {
    if (first?.finding.seq != null && block.bound > first.finding.seq) break
    first = earlier(first, { finding: await describeBrokenBlock(trx, block), check: ROWS_AGAINST_BLOCKS })
  }
  const firstBroken = first?.finding
    ?? headFinding(await firstBrokenHead(trx))
    ?? (options.since ? await checkExtends(trx, options.since) : null)
  return { valid: firstBroken === null, rowsChecked: rows.rows, blocksChecked: blocks.blocks, firstBroken }
}

const placeOf = (block: { lane: number | null, lane_seq: number | null, first_seq: number | null, last_seq: number | null }): BlockPlace =>
  ({ lane: block.lane!, laneSeq: block.lane_seq!, firstSeq: block.first_seq!, lastSeq: block.last_seq! })

/** Names what differs between a transaction's rows and its block, as docs/audit.md says. */
async function describeBrokenBlock (db: Kysely<DB>, block: BrokenBlock): Promise<Finding> {
  if (block.lane === null) return found.rowUnsealed(block.min_seq!)
  const place = placeOf(block)
  const sealed = block.sealed ?? 0
  const present = block.present
  if (block.hash_version === 1) {
    if (present >= sealed) return found.blockMismatch(place)
    const free = await firstFreeSeq(db, place.firstSeq, place.lastSeq)
    return free === null ? found.rowMovedOut(place, sealed, present) : found.rowRemoved(free, place, sealed, present)
  }
  const { k, seq, previous_seq: previousSeq, sealed_elsewhere: sealedElsewhere } = await firstDifference(db, block.txid)
  // A row the block did not seal.
  if (seq !== null && !sealedElsewhere) return present > sealed ? found.rowAddedToBlock(seq, place) : found.rowRehashed(seq, place)
  if (seq === null && present >= sealed) return found.blockMismatch(place)
  // The row sealed at position k is not in its place: name where it stood.
  let where = place.firstSeq
  let free = false
  if (k === 0) {
    free = !(await seqHeld(db, where))
  } else {
    const freeSeq = await firstFreeSeq(db, previousSeq! + 1, (seq ?? place.lastSeq + 1) - 1)
    where = freeSeq ?? previousSeq! + 1
    free = freeSeq !== null
  }
  if (present >= sealed) return found.rowOutOfPlace(where, place)
  if (free) return found.rowRemoved(where, place, sealed, present)
  return k === 0 ? found.firstRowMoved(place, sealed, present) : found.rowMovedAfter(previousSeq!, place, sealed, present)
}

function headFinding (head: Awaited<ReturnType<typeof firstBrokenHead>>): Finding | null {
  if (!head) return null
  if (head.block_count === head.last_seq) return found.headAltered(head.lane, head.last_seq)
  return head.block_count > head.last_seq
    ? found.headAhead(head.lane, head.block_count, head.last_seq)
    : found.headBehind(head.lane, head.block_count, head.last_seq)
}
