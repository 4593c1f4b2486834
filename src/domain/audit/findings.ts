/**
 * What verification can find, and the words it says it in. tools/verify-audit-export.mjs
 * says the same things in the same words: a test holds the two to one answer.
 */
export type Problem =
  | 'row_altered' | 'row_unsealed' | 'rows_missing' | 'block_mismatch' | 'chain_broken' | 'head_mismatch' | 'not_extended'

export const PROBLEMS: readonly Problem[] = [
  'row_altered', 'row_unsealed', 'rows_missing', 'block_mismatch', 'chain_broken', 'head_mismatch', 'not_extended',
]

export interface Finding {
  /** The row named; null when the problem is a lane's head or the recorded head. */
  seq: number | null
  /** The lane of the block or head concerned; null for a row checked alone. */
  lane: number | null
  problem: Problem
  detail: string
}

/** A block as findings name it. */
export interface BlockPlace {
  lane: number
  laneSeq: number
  firstSeq: number
  lastSeq: number
}

const describe = (block: BlockPlace) => `block ${block.laneSeq} of lane ${block.lane} (rows ${block.firstSeq}–${block.lastSeq})`
const capitalised = (block: BlockPlace) => `B${describe(block).slice(1)}`

export const found = {
  rowAltered: (seq: number): Finding => ({
    seq, lane: null, problem: 'row_altered',
    detail: `Row ${seq} does not match its hash: its content was changed after it was written.`,
  }),
  rowRehashed: (seq: number, block: BlockPlace): Finding => ({
    seq, lane: block.lane, problem: 'row_altered',
    detail: `Row ${seq} is not the row ${describe(block)} sealed in its place: the row and its hash were rewritten after it was sealed.`,
  }),
  rowUnsealed: (seq: number): Finding => ({
    seq, lane: null, problem: 'row_unsealed',
    detail: `Row ${seq} belongs to no sealed block: it was written around the audit mechanism.`,
  }),
  rowAddedToBlock: (seq: number, block: BlockPlace): Finding => ({
    seq, lane: block.lane, problem: 'row_unsealed',
    detail: `Row ${seq} was not sealed by ${describe(block)}, the block of its transaction: it was added after the block was sealed.`,
  }),
  rowRemoved: (seq: number, block: BlockPlace, sealed: number, present: number): Finding => ({
    seq, lane: block.lane, problem: 'rows_missing',
    detail: `${capitalised(block)} sealed ${sealed} rows; ${present} remain: row ${seq} was removed.`,
  }),
  firstRowMoved: (block: BlockPlace, sealed: number, present: number): Finding => ({
    seq: block.firstSeq, lane: block.lane, problem: 'rows_missing',
    detail: `${capitalised(block)} sealed ${sealed} rows; ${present} remain: row ${block.firstSeq} is no longer one of them: it was moved.`,
  }),
  rowMovedAfter: (after: number, block: BlockPlace, sealed: number, present: number): Finding => ({
    seq: after + 1, lane: block.lane, problem: 'rows_missing',
    detail: `${capitalised(block)} sealed ${sealed} rows; ${present} remain: the one sealed after row ${after} is missing, and no row number there is free: it was moved.`,
  }),
  rowMovedOut: (block: BlockPlace, sealed: number, present: number): Finding => ({
    seq: block.firstSeq, lane: block.lane, problem: 'rows_missing',
    detail: `${capitalised(block)} sealed ${sealed} rows; ${present} remain, and every row number of its range is held: a row was moved out of it.`,
  }),
  rowOutOfPlace: (seq: number, block: BlockPlace): Finding => ({
    seq, lane: block.lane, problem: 'block_mismatch',
    detail: `Row ${seq} of ${describe(block)} is not where it was sealed: rows of the block were moved or renumbered.`,
  }),
  blockMismatch: (block: BlockPlace): Finding => ({
    seq: block.firstSeq, lane: block.lane, problem: 'block_mismatch',
    detail: `The rows of ${describe(block)} no longer match their seal: a row hash was rewritten, or rows were added or moved.`,
  }),
  blockAltered: (block: BlockPlace): Finding => ({
    seq: block.firstSeq, lane: block.lane, problem: 'chain_broken',
    detail: `${capitalised(block)} does not match its own hash: the block was altered.`,
  }),
  linkBroken: (block: BlockPlace): Finding => ({
    seq: block.firstSeq, lane: block.lane, problem: 'chain_broken',
    detail: `${capitalised(block)} does not follow from the block before it: a block was removed, altered or inserted.`,
  }),
  headAltered: (lane: number, blocks: number): Finding => ({
    seq: null, lane, problem: 'head_mismatch',
    detail: `Lane ${lane}'s head is not the hash of its last block, ${blocks}: the head was altered.`,
  }),
  headAhead: (lane: number, recorded: number, blocks: number): Finding => ({
    seq: null, lane, problem: 'head_mismatch',
    detail: `Lane ${lane} records ${recorded} blocks but ends at block ${blocks}: blocks were removed from its end, or its head was altered.`,
  }),
  headBehind: (lane: number, recorded: number, blocks: number): Finding => ({
    seq: null, lane, problem: 'head_mismatch',
    detail: `Lane ${lane} records ${recorded} blocks but has ${blocks}: its head was set back, or blocks were added around the seal.`,
  }),
  laneShorter: (lane: number, recorded: number, blocks: number): Finding => ({
    seq: null, lane, problem: 'not_extended',
    detail: `Lane ${lane} has ${blocks} blocks, fewer than the ${recorded} of the recorded head: blocks were removed since it was recorded.`,
  }),
  headRewritten: (): Finding => ({
    seq: null, lane: null, problem: 'not_extended',
    detail: 'The blocks at the recorded head\'s positions do not hash to the recorded value: a block at or before one of them was rewritten since it was recorded.',
  }),
}

/** Which of two findings comes first: the lower row, then the earlier check (rows, then blocks, then rows against blocks). */
export function earlier<F extends { seq: number | null }> (a: { finding: F, check: number } | null, b: { finding: F, check: number } | null) {
  if (!a) return b
  if (!b) return a
  const seqA = a.finding.seq ?? Number.MAX_SAFE_INTEGER
  const seqB = b.finding.seq ?? Number.MAX_SAFE_INTEGER
  if (seqA !== seqB) return seqA < seqB ? a : b
  return a.check <= b.check ? a : b
}
