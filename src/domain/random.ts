import { randomBytes } from 'node:crypto'

const POOL_BYTES = 64 * 1024
let pool = Buffer.alloc(0)
let offset = 0

/**
 * Fresh random bytes (at most 64 KiB), drawn from the system 64 KiB at a time: one draw
 * per value (an IV for each ID number sealed, a verification's reference) cost an
 * import of 100,000 persons 0.6–2.8 s on the machines measured. Every byte is handed
 * out once; the result is a view of the pool, to be copied or used at once.
 */
export function randomBytesPooled (length: number): Buffer {
  if (length > POOL_BYTES) return randomBytes(length)
  if (offset + length > pool.length) {
    pool = randomBytes(POOL_BYTES)
    offset = 0
  }
  const bytes = pool.subarray(offset, offset + length)
  offset += length
  return bytes
}
