import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { found, type Finding } from './findings.js'

/** The number of lanes the trail's blocks are chained on (the audit migration creates them). */
export const LANES = 32

export const ZERO_HASH = Buffer.alloc(32)

/**
 * The head of the whole trail: how many blocks each lane had, and the SHA-256 of the
 * hashes of those last blocks (32 zero bytes for an empty lane), lane by lane. Written
 * `c0.c1.….c31:<64 hex digits>`: what an auditor records, and later passes as `since`.
 */
export interface TrailHead {
  counts: number[]
  digest: string
}

/** The pattern of a written trail head, for the request schemas. */
export const TRAIL_HEAD_PATTERN = `^(0|[1-9][0-9]{0,14})(\\.(0|[1-9][0-9]{0,14})){${LANES - 1}}:[0-9a-f]{64}$`

export function formatHead (head: TrailHead): string {
  return `${head.counts.join('.')}:${head.digest}`
}

/** Reads a head written by formatHead; the route's schema has checked its shape. */
export function parseHead (text: string): TrailHead {
  const [counts, digest] = text.split(':') as [string, string]
  return { counts: counts.split('.').map(Number), digest }
}

/** The digest of a head from its lanes' last hashes, in lane order. */
export function headDigest (hashes: Buffer[]): string {
  return createHash('sha256').update(Buffer.concat(hashes)).digest('hex')
}

export interface LaneState {
  lane: number
  blockCount: number
  headHash: Buffer
}

/** The lanes' heads as audit_lanes holds them now. */
export async function readLanes (db: Kysely<DB>): Promise<LaneState[]> {
  const rows = await db.selectFrom('audit_lanes').select(['lane', 'block_count', 'head_hash']).orderBy('lane').execute()
  return rows.map((row) => ({ lane: row.lane, blockCount: row.block_count, headHash: row.head_hash }))
}

export function headOf (lanes: LaneState[]): TrailHead {
  return { counts: lanes.map((lane) => lane.blockCount), digest: headDigest(lanes.map((lane) => lane.headHash)) }
}

/** Each lane now, with the hash of its block at the given position (null for position 0 or a block that is gone). */
export async function blocksAt (db: Kysely<DB>, counts: number[]) {
  const { rows } = await sql<{ lane: number, block_count: number, hash: Buffer | null }>`
    select l.lane, l.block_count, b.hash
      from audit_lanes l
      left join audit_blocks b on b.lane = l.lane and b.lane_seq = (${counts}::bigint[])[l.lane + 1]
     order by l.lane
  `.execute(db)
  return rows
}

/**
 * Whether the trail still extends a head recorded earlier: each lane still has the
 * block at the recorded position, and those blocks hash as recorded. With every chain
 * verified, that block fixes everything before it on its lane.
 */
export async function checkExtends (db: Kysely<DB>, since: TrailHead): Promise<Finding | null> {
  const hashes: Buffer[] = []
  for (const row of await blocksAt(db, since.counts)) {
    const recorded = since.counts[row.lane] ?? 0
    if (recorded === 0) hashes.push(ZERO_HASH)
    else if (row.hash === null) return found.laneShorter(row.lane, recorded, row.block_count)
    else hashes.push(row.hash)
  }
  return headDigest(hashes) === since.digest ? null : found.headRewritten()
}
