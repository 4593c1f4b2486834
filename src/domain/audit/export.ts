import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'
import { auditHeadNotExtended } from './errors.js'
import { exportBlocks, exportHashPart, exportRows, type ExportBlock, type ExportRow } from './export-repo.js'
import { blocksAt, checkExtends, formatHead, readLanes, ZERO_HASH, type TrailHead } from './head.js'

/** The format of an export, named on its first line. docs/audit.md describes every line. */
export const EXPORT_FORMAT = 'huimin-audit-export/1'

const ROWS_A_PAGE = 5000
const BLOCKS_A_PAGE = 1000
const HASH_PART_BYTES = 64 * 1024

/**
 * The trail as NDJSON, from one consistent snapshot: a header, the lanes' heads it
 * starts from when `since` is given, the rows in seq order, the blocks in lane order,
 * the lanes' heads, and an end line with the counts. Rows outside the caller's region
 * go out as their seq, txid, format and hash alone, enough to check their blocks.
 *
 * The snapshot is taken, and `since` checked, before the answer starts; the lines are
 * then read a page at a time as the client takes them.
 */
export async function openAuditExport (db: Kysely<DB>, acting: Acting, since: TrailHead | undefined): Promise<AsyncGenerator<string>> {
  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute()
  const lines = auditExportLines(trx, acting, since)
  let first: IteratorResult<string>
  try {
    first = await lines.next()
  } catch (error) {
    await trx.rollback().execute()
    throw error
  }
  return (async function * () {
    let done = false
    try {
      if (!first.done) yield first.value
      yield * lines
      await trx.commit().execute()
      done = true
    } finally {
      // The client went away, or a read failed: end the snapshot all the same.
      if (!done) await trx.rollback().execute().catch(() => {})
    }
  })()
}

/** The lines of an export, read through `db` as given: a transaction the caller holds for a consistent answer. */
export async function * auditExportLines (db: Kysely<DB>, acting: Acting, since: TrailHead | undefined): AsyncGenerator<string> {
  let start: string[] = []
  if (since) {
    if (await checkExtends(db, since)) throw auditHeadNotExtended()
    start = (await blocksAt(db, since.counts)).map((row) => JSON.stringify({
      type: 'start', lane: row.lane, blockCount: since.counts[row.lane] ?? 0, headHash: (row.hash ?? ZERO_HASH).toString('hex'),
    }))
  }
  const header = JSON.stringify({
    type: 'trail',
    format: EXPORT_FORMAT,
    scope: acting.scope,
    since: since ? formatHead(since) : null,
    exportedAt: (await acting.clock.now(db)).toISOString(),
  })
  yield lines([header, ...start])
  const sinceCounts = since?.counts ?? null
  let rows = 0
  for (let afterSeq = 0; ;) {
    const page = await exportRows(db, acting.scope, afterSeq, ROWS_A_PAGE, sinceCounts)
    if (page.length === 0) break
    rows += page.length
    afterSeq = page[page.length - 1]!.seq
    yield lines(page.map(rowLine))
  }
  let blocks = 0
  for (let after = { lane: -1, laneSeq: 0 }; ;) {
    const page = await exportBlocks(db, after, BLOCKS_A_PAGE, sinceCounts)
    if (page.length === 0) break
    blocks += page.length
    const last = page[page.length - 1]!
    after = { lane: last.lane, laneSeq: last.lane_seq }
    for (const block of page) yield * blockLine(db, block)
  }
  const lanes = await readLanes(db)
  yield lines(lanes.map((lane) => JSON.stringify({ type: 'lane', lane: lane.lane, blockCount: lane.blockCount, headHash: lane.headHash.toString('hex') })))
  yield lines([JSON.stringify({ type: 'end', rows, blocks, lanes: lanes.length })])
}

const lines = (each: string[]) => each.length === 0 ? '' : `${each.join('\n')}\n`

function rowLine (row: ExportRow): string {
  const key = { type: 'row', seq: row.seq, txid: row.txid, hashVersion: row.hash_version }
  if (!row.visible) return JSON.stringify({ ...key, withheld: true, rowHash: row.row_hash })
  return JSON.stringify({
    ...key,
    occurredAt: row.occurred_at,
    entityType: row.entity_type,
    entityId: row.entity_id,
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    actorRegion: row.actor_region,
    regionCode: row.region_code,
    reason: row.reason,
    requestId: row.request_id,
    changes: row.changes,
    rowHash: row.row_hash,
  })
}

/** A block's line; its sealed hashes, which a block of a million rows makes 64 MB of hex, go out in parts. */
async function * blockLine (trx: Kysely<DB>, block: ExportBlock): AsyncGenerator<string> {
  const opening = JSON.stringify({
    type: 'block',
    lane: block.lane,
    laneSeq: block.lane_seq,
    txid: block.txid,
    firstSeq: block.first_seq,
    lastSeq: block.last_seq,
    rowCount: block.row_count,
    hashVersion: block.hash_version,
    rowsDigest: block.rows_digest,
    prevHash: block.prev_hash,
    hash: block.hash,
    sealedAt: block.sealed_at,
  }).slice(0, -1)
  if (block.row_hashes_bytes === null) {
    yield `${opening},"rowHashes":null}\n`
    return
  }
  if (block.row_hashes !== null) {
    yield `${opening},"rowHashes":"${block.row_hashes}"}\n`
    return
  }
  yield `${opening},"rowHashes":"`
  for (let offset = 0; offset < block.row_hashes_bytes; offset += HASH_PART_BYTES) {
    yield await exportHashPart(trx, block.txid, offset, Math.min(HASH_PART_BYTES, block.row_hashes_bytes - offset))
  }
  yield '"}\n'
}
