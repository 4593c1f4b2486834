#!/usr/bin/env node
// Verifies an export of Huimin's audit trail (GET /v1/audit/export) offline, with
// nothing but Node: written from docs/audit.md, it shares no code with the service.
//
//   node tools/verify-audit-export.mjs trail.ndjson [--since HEAD] [--json]
//
// Exit 0: the trail is intact. 1: it is not; the first problem is named as the
// service names it. 2: the file cannot be read as an export.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export const EXPORT_FORMAT = 'huimin-audit-export/1'
const ZERO_HASH = Buffer.alloc(32)
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest()

export class UnreadableExport extends Error {}

// ---- The bytes of a row's hash -------------------------------------------------

/** Microseconds since 1970 of a time written YYYY-MM-DDTHH:MM:SS.ffffffZ. */
export function microsSince1970 (text) {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/.exec(text ?? '')
  const ms = match ? Date.parse(`${match[1]}Z`) : NaN
  if (Number.isNaN(ms)) throw new UnreadableExport(`not a time with microseconds: ${text}`)
  return BigInt(ms) * 1000n + BigInt(match[2])
}

const CONTENT = ['entityType', 'entityId', 'action', 'fromStatus', 'toStatus', 'actorKind', 'actorId', 'actorName',
  'actorRole', 'actorRegion', 'regionCode', 'reason', 'requestId', 'changes']

/** Format 1: a PostgreSQL record literal of the time and the content, as UTF-8. */
export function rowBytesV1 (row) {
  const quote = (value) => value !== '' && !/["\\(),\t\n\v\f\r ]/.test(value) ? value : `"${value.replace(/["\\]/g, '$&$&')}"`
  const fields = [String(microsSince1970(row.occurredAt)), ...CONTENT.map((name) => row[name])]
  return Buffer.from(`(${fields.map((value) => value === null ? '' : quote(value)).join(',')})`, 'utf8')
}

const TEXT = 25
const INT8 = 20
const XID8 = 5069
const TIMESTAMPTZ = 1184
const UUID = 2950
const MICROS_1970_TO_2000 = 946_684_800_000_000n

/** Format 2: 17 fields, each its type, its length (-1 for NULL) and its bytes, all integers big-endian. */
export function rowBytesV2 (row) {
  const bytesOf = (name, value) => name === 'actorId' ? 16 : Buffer.byteLength(value, 'utf8')
  let size = 4 + 3 * (8 + 8)
  for (const name of CONTENT) size += 8 + (row[name] === null ? 0 : bytesOf(name, row[name]))
  const out = Buffer.alloc(size)
  let at = out.writeInt32BE(17, 0)
  const field = (type, length) => { at = out.writeInt32BE(type, at); at = out.writeInt32BE(length, at) }
  field(INT8, 8)
  at = out.writeBigInt64BE(BigInt(row.seq), at)
  field(XID8, 8)
  at = out.writeBigUInt64BE(BigInt(row.txid), at)
  field(TIMESTAMPTZ, 8)
  at = out.writeBigInt64BE(microsSince1970(row.occurredAt) - MICROS_1970_TO_2000, at)
  for (const name of CONTENT) {
    const value = row[name]
    const type = name === 'actorId' ? UUID : TEXT
    if (value === null) {
      field(type, -1)
      continue
    }
    field(type, bytesOf(name, value))
    at += type === UUID ? out.write(value.replaceAll('-', ''), at, 'hex') : out.write(value, at, 'utf8')
  }
  return out
}

/** A row's hash in its own format; null for a format that does not exist. */
export function rowHash (row) {
  if (row.hashVersion === 2) return sha256(rowBytesV2(row))
  if (row.hashVersion === 1) return sha256(rowBytesV1(row))
  return null
}

/** A block's hash in its own format; null for a format that does not exist. */
export function blockHash (block) {
  const { lane, laneSeq, firstSeq, lastSeq, rowCount, txid } = block
  const text = block.hashVersion === 2 ? `2:${lane}:${laneSeq}:${firstSeq}:${lastSeq}:${rowCount}:${txid}`
    : block.hashVersion === 1 ? `${lane}:${laneSeq}:${firstSeq}:${lastSeq}:${rowCount}` : null
  return text === null ? null : sha256(hex(block.prevHash), hex(block.rowsDigest), Buffer.from(text, 'utf8'))
}

function hex (text) {
  if (typeof text !== 'string' || !/^([0-9a-f]{2})*$/.test(text)) throw new UnreadableExport('a hash that is not hex')
  return Buffer.from(text, 'hex')
}

// ---- What verification says, in the service's words --------------------------

const describe = (b) => `block ${b.laneSeq} of lane ${b.lane} (rows ${b.firstSeq}–${b.lastSeq})`
const capitalised = (b) => `B${describe(b).slice(1)}`
const found = {
  rowAltered: (seq) => ({ seq, lane: null, problem: 'row_altered', detail: `Row ${seq} does not match its hash: its content was changed after it was written.` }),
  rowRehashed: (seq, b) => ({ seq, lane: b.lane, problem: 'row_altered', detail: `Row ${seq} is not the row ${describe(b)} sealed in its place: the row and its hash were rewritten after it was sealed.` }),
  rowUnsealed: (seq) => ({ seq, lane: null, problem: 'row_unsealed', detail: `Row ${seq} belongs to no sealed block: it was written around the audit mechanism.` }),
  rowAddedToBlock: (seq, b) => ({ seq, lane: b.lane, problem: 'row_unsealed', detail: `Row ${seq} was not sealed by ${describe(b)}, the block of its transaction: it was added after the block was sealed.` }),
  rowRemoved: (seq, b, sealed, present) => ({ seq, lane: b.lane, problem: 'rows_missing', detail: `${capitalised(b)} sealed ${sealed} rows; ${present} remain: row ${seq} was removed.` }),
  firstRowMoved: (b, sealed, present) => ({ seq: b.firstSeq, lane: b.lane, problem: 'rows_missing', detail: `${capitalised(b)} sealed ${sealed} rows; ${present} remain: row ${b.firstSeq} is no longer one of them: it was moved.` }),
  rowMovedAfter: (after, b, sealed, present) => ({ seq: after + 1, lane: b.lane, problem: 'rows_missing', detail: `${capitalised(b)} sealed ${sealed} rows; ${present} remain: the one sealed after row ${after} is missing, and no row number there is free: it was moved.` }),
  rowMovedOut: (b, sealed, present) => ({ seq: b.firstSeq, lane: b.lane, problem: 'rows_missing', detail: `${capitalised(b)} sealed ${sealed} rows; ${present} remain, and every row number of its range is held: a row was moved out of it.` }),
  rowOutOfPlace: (seq, b) => ({ seq, lane: b.lane, problem: 'block_mismatch', detail: `Row ${seq} of ${describe(b)} is not where it was sealed: rows of the block were moved or renumbered.` }),
  blockMismatch: (b) => ({ seq: b.firstSeq, lane: b.lane, problem: 'block_mismatch', detail: `The rows of ${describe(b)} no longer match their seal: a row hash was rewritten, or rows were added or moved.` }),
  blockAltered: (b) => ({ seq: b.firstSeq, lane: b.lane, problem: 'chain_broken', detail: `${capitalised(b)} does not match its own hash: the block was altered.` }),
  linkBroken: (b) => ({ seq: b.firstSeq, lane: b.lane, problem: 'chain_broken', detail: `${capitalised(b)} does not follow from the block before it: a block was removed, altered or inserted.` }),
  headAltered: (lane, blocks) => ({ seq: null, lane, problem: 'head_mismatch', detail: `Lane ${lane}'s head is not the hash of its last block, ${blocks}: the head was altered.` }),
  headAhead: (lane, recorded, blocks) => ({ seq: null, lane, problem: 'head_mismatch', detail: `Lane ${lane} records ${recorded} blocks but ends at block ${blocks}: blocks were removed from its end, or its head was altered.` }),
  headBehind: (lane, recorded, blocks) => ({ seq: null, lane, problem: 'head_mismatch', detail: `Lane ${lane} records ${recorded} blocks but has ${blocks}: its head was set back, or blocks were added around the seal.` }),
  laneShorter: (lane, recorded, blocks) => ({ seq: null, lane, problem: 'not_extended', detail: `Lane ${lane} has ${blocks} blocks, fewer than the ${recorded} of the recorded head: blocks were removed since it was recorded.` }),
  headRewritten: () => ({ seq: null, lane: null, problem: 'not_extended', detail: 'The blocks at the recorded head\'s positions do not hash to the recorded value: a block at or before one of them was rewritten since it was recorded.' }),
}

/** The lower row wins; on the same row, the earlier check (1 rows, 2 blocks, 3 rows against blocks). */
function earlier (a, b) {
  if (!a) return b
  if (!b) return a
  const seqA = a.finding.seq ?? Number.MAX_SAFE_INTEGER
  const seqB = b.finding.seq ?? Number.MAX_SAFE_INTEGER
  if (seqA !== seqB) return seqA < seqB ? a : b
  return a.check <= b.check ? a : b
}

// ---- Reading the file -----------------------------------------------------------

/**
 * Reads an export, every line checked for its shape. Each row is checked against its
 * own hash as it is read (check 1), and kept only as what the block checks need.
 */
export async function readExport (path) {
  const trail = { header: null, start: new Map(), rows: [], blocks: [], lanes: [], end: null, firstAltered: null, withheld: 0 }
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let number = 0
  for await (const line of lines) {
    number++
    if (line === '') continue
    let item
    try { item = JSON.parse(line) } catch { throw new UnreadableExport(`line ${number} is not JSON`) }
    if (trail.end) throw new UnreadableExport(`line ${number} follows the end line`)
    if (number === 1 && (item.type !== 'trail' || item.format !== EXPORT_FORMAT)) throw new UnreadableExport(`not an export of format ${EXPORT_FORMAT}`)
    if (item.type === 'trail') trail.header = item
    else if (item.type === 'start') trail.start.set(item.lane, item)
    else if (item.type === 'row') {
      const previous = trail.rows[trail.rows.length - 1]
      if (!Number.isSafeInteger(item.seq) || (previous && item.seq <= previous.seq)) throw new UnreadableExport(`line ${number}: rows out of seq order`)
      const hash = hex(item.rowHash)
      if (item.withheld) trail.withheld++
      else if (trail.firstAltered === null && !rowHash(item)?.equals(hash)) trail.firstAltered = item.seq
      trail.rows.push({ seq: item.seq, txid: item.txid, hash })
    } else if (item.type === 'block') {
      item.sealedHashes = item.rowHashes === null ? null : hex(item.rowHashes)
      trail.blocks.push(item)
    } else if (item.type === 'lane') trail.lanes.push(item)
    else if (item.type === 'end') trail.end = item
    else throw new UnreadableExport(`line ${number}: unknown line type ${item.type}`)
  }
  if (!trail.header) throw new UnreadableExport('the file is empty')
  if (!trail.end) throw new UnreadableExport('the file ends before its end line: it is incomplete')
  if (trail.end.rows !== trail.rows.length || trail.end.blocks !== trail.blocks.length || trail.end.lanes !== trail.lanes.length) {
    throw new UnreadableExport('the end line\'s counts are not those of the file')
  }
  return trail
}

// ---- Verification, as docs/audit.md specifies it ---------------------------------

export function verifyExport (trail, options = {}) {
  const { rows, blocks } = trail
  const seqs = rows.map((row) => row.seq)
  // 1. Every row against its own hash (checked as the file was read).
  let first = trail.firstAltered === null ? null : { finding: found.rowAltered(trail.firstAltered), check: 1 }
  // 2. Every block against its own hash and the block before it on its lane.
  const link = firstBrokenLink(trail)
  if (link) first = earlier(first, { finding: link.altered ? found.blockAltered(link.block) : found.linkBroken(link.block), check: 2 })
  // 3. Every transaction's rows against its block.
  for (const broken of brokenBlocks(trail)) {
    if (first && first.finding.seq !== null && broken.bound > first.finding.seq) break
    first = earlier(first, { finding: describeBrokenBlock(broken, seqs), check: 3 })
  }
  const firstBroken = first?.finding ?? firstBrokenHead(trail) ?? (options.since ? checkExtends(trail, options.since) : null)
  return { valid: firstBroken === null, rowsChecked: rows.length, blocksChecked: blocks.length, firstBroken }
}

function firstBrokenLink ({ blocks, start }) {
  const byLane = new Map()
  for (const block of blocks) byLane.has(block.lane) ? byLane.get(block.lane).push(block) : byLane.set(block.lane, [block])
  let first = null
  for (const [lane, chain] of byLane) {
    chain.sort((a, b) => a.laneSeq - b.laneSeq)
    chain.forEach((block, i) => {
      const previous = i === 0 ? { hash: start.get(lane)?.headHash ?? ZERO_HASH.toString('hex'), laneSeq: start.get(lane)?.blockCount ?? 0 } : chain[i - 1]
      const sealed = block.sealedHashes
      const altered = !blockHash(block)?.equals(hex(block.hash)) ||
        (block.hashVersion === 2 && (sealed === null || sealed.length !== 32 * block.rowCount || !sha256(sealed).equals(hex(block.rowsDigest))))
      const unlinked = block.prevHash !== previous.hash || block.laneSeq !== previous.laneSeq + 1
      if ((altered || unlinked) && (!first || block.firstSeq < first.block.firstSeq || (block.firstSeq === first.block.firstSeq && lane < first.block.lane))) {
        first = { block, altered }
      }
    })
  }
  return first
}

/** Transactions whose rows are not what their block sealed, lowest possible finding first. */
function brokenBlocks ({ rows, blocks }) {
  const present = new Map()
  for (const row of rows) present.has(row.txid) ? present.get(row.txid).push(row) : present.set(row.txid, [row])
  const broken = []
  for (const block of blocks) {
    const mine = present.get(block.txid) ?? []
    present.delete(block.txid)
    const hashes = Buffer.concat(mine.map((row) => row.hash))
    const sealed = block.hashVersion === 1 ? block.rowCount : Math.floor((block.sealedHashes?.length ?? 0) / 32)
    const differs = mine.length === 0 || (block.hashVersion === 1
      ? mine.length !== block.rowCount || !sha256(hashes).equals(hex(block.rowsDigest))
      : block.sealedHashes === null || !hashes.equals(block.sealedHashes))
    if (differs) broken.push({ block, rows: mine, sealed, bound: Math.min(block.firstSeq, mine[0]?.seq ?? Infinity) })
  }
  for (const [, mine] of present) broken.push({ block: null, rows: mine, bound: mine[0].seq })
  const laneOrder = (b) => b.block === null ? [-1, 0] : [b.block.lane, b.block.laneSeq]
  return broken.sort((a, b) => a.bound - b.bound || laneOrder(a)[0] - laneOrder(b)[0] || laneOrder(a)[1] - laneOrder(b)[1])
}

function describeBrokenBlock ({ block, rows, sealed }, seqs) {
  if (block === null) return found.rowUnsealed(rows[0].seq)
  const present = rows.length
  if (block.hashVersion === 1) {
    if (present >= sealed) return found.blockMismatch(block)
    const free = firstFreeSeq(seqs, block.firstSeq, block.lastSeq)
    return free === null ? found.rowMovedOut(block, sealed, present) : found.rowRemoved(free, block, sealed, present)
  }
  const hashes = block.sealedHashes ?? Buffer.alloc(0)
  const sealedAt = (j) => hashes.subarray(j * 32, j * 32 + 32)
  let k = 0
  while (k < present && k < sealed && rows[k].hash.equals(sealedAt(k))) k++
  const seq = rows[k]?.seq ?? null
  // A row the block did not seal.
  let sealedElsewhere = false
  for (let j = 0; seq !== null && j < sealed && !sealedElsewhere; j++) sealedElsewhere = rows[k].hash.equals(sealedAt(j))
  if (seq !== null && !sealedElsewhere) return present > sealed ? found.rowAddedToBlock(seq, block) : found.rowRehashed(seq, block)
  if (seq === null && present >= sealed) return found.blockMismatch(block)
  // The row sealed at position k is not in its place: name where it stood.
  let where = block.firstSeq
  let free = false
  if (k === 0) {
    free = firstFreeSeq(seqs, where, where) !== null
  } else {
    const freeSeq = firstFreeSeq(seqs, rows[k - 1].seq + 1, (seq ?? block.lastSeq + 1) - 1)
    where = freeSeq ?? rows[k - 1].seq + 1
    free = freeSeq !== null
  }
  if (present >= sealed) return found.rowOutOfPlace(where, block)
  if (free) return found.rowRemoved(where, block, sealed, present)
  return k === 0 ? found.firstRowMoved(block, sealed, present) : found.rowMovedAfter(rows[k - 1].seq, block, sealed, present)
}

/** The first number from `from` to `to` that no row holds (seqs ascending). */
function firstFreeSeq (seqs, from, to) {
  let low = 0
  let high = seqs.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (seqs[middle] < from) low = middle + 1
    else high = middle
  }
  for (let seq = from; seq <= to; seq++, low++) if (seqs[low] !== seq) return seq
  return null
}

function firstBrokenHead ({ blocks, lanes, start }) {
  for (const lane of [...lanes].sort((a, b) => a.lane - b.lane)) {
    const last = blocks.filter((block) => block.lane === lane.lane).sort((a, b) => b.laneSeq - a.laneSeq)[0]
      ?? { laneSeq: start.get(lane.lane)?.blockCount ?? 0, hash: start.get(lane.lane)?.headHash ?? ZERO_HASH.toString('hex') }
    if (lane.blockCount === last.laneSeq && lane.headHash === last.hash) continue
    if (lane.blockCount === last.laneSeq) return found.headAltered(lane.lane, last.laneSeq)
    return lane.blockCount > last.laneSeq ? found.headAhead(lane.lane, lane.blockCount, last.laneSeq) : found.headBehind(lane.lane, lane.blockCount, last.laneSeq)
  }
  return null
}

/** Reads a head written c0.c1.….c31:<hex>. */
export function parseHead (text) {
  const match = /^((?:0|[1-9]\d{0,14})(?:\.(?:0|[1-9]\d{0,14}))*):([0-9a-f]{64})$/.exec(text ?? '')
  if (!match) throw new UnreadableExport(`not a trail head: ${text}`)
  return { counts: match[1].split('.').map(Number), digest: match[2] }
}

/** Whether the trail extends a head recorded earlier: its blocks at the recorded positions hash as recorded. */
function checkExtends ({ blocks, lanes, start }, since) {
  const hashes = []
  for (const lane of [...lanes].sort((a, b) => a.lane - b.lane)) {
    const recorded = since.counts[lane.lane] ?? 0
    const anchor = start.get(lane.lane)
    if (recorded === 0) hashes.push(ZERO_HASH)
    else if (anchor && anchor.blockCount === recorded) hashes.push(hex(anchor.headHash))
    else if (anchor && anchor.blockCount > recorded) throw new UnreadableExport(`the export starts after the given head on lane ${lane.lane}`)
    else {
      const block = blocks.find((each) => each.lane === lane.lane && each.laneSeq === recorded)
      if (!block) return found.laneShorter(lane.lane, recorded, lane.blockCount)
      hashes.push(hex(block.hash))
    }
  }
  return sha256(...hashes).toString('hex') === since.digest ? null : found.headRewritten()
}

// ---- The command ------------------------------------------------------------------

async function main (argv) {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { since: { type: 'string' }, json: { type: 'boolean' } } })
  if (positionals.length !== 1) {
    process.stderr.write('usage: node tools/verify-audit-export.mjs trail.ndjson [--since HEAD] [--json]\n')
    return 2
  }
  let result
  let trail
  try {
    trail = await readExport(positionals[0])
    // An export from a head starts from its lanes' heads then: they must be that head.
    const since = trail.header.since ? parseHead(trail.header.since) : null
    if (since && since.counts.some((count, lane) => trail.start.get(lane)?.blockCount !== count)) throw new UnreadableExport('the start lines are not those of the export\'s since')
    result = verifyExport(trail, { since: values.since ? parseHead(values.since) : since })
  } catch (error) {
    if (!(error instanceof UnreadableExport) && error.code !== 'ENOENT' && error.code !== 'EISDIR') throw error
    process.stderr.write(`cannot read ${positionals[0]}: ${error.message}\n`)
    return 2
  }
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`)
  else {
    const withheld = trail.withheld
    process.stdout.write(`${result.rowsChecked} rows in ${result.blocksChecked} sealed blocks checked` +
      `${withheld ? `; ${withheld} rows outside the export's region carry only their hash, their content unchecked` : ''}\n`)
    const broken = result.firstBroken
    process.stdout.write(broken === null ? 'valid: nothing was altered or removed\n'
      : `INVALID at row ${broken.seq ?? '-'}${broken.lane === null ? '' : `, lane ${broken.lane}`} (${broken.problem}): ${broken.detail}\n`)
  }
  return result.valid ? 0 : 1
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (error) => {
    process.stderr.write(`${error.stack ?? error}\n`)
    process.exitCode = 2
  })
}
