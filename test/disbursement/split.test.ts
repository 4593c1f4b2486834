import fc from 'fast-check'
import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { compileSplit } from '../../src/domain/disbursement/split.js'
import { splitFen } from '../../src/domain/money.js'
import { serverUrl } from '../helper.js'

const database = await openDatabase(serverUrl ? { url: serverUrl, poolSize: 2 } : {})
t.teardown(() => database.close())

/** Whole-percent shares of 100, one to six sources. */
const shares = fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 0, maxLength: 5 }).map((cuts) => {
  const points = [...new Set(cuts)].sort((a, b) => a - b)
  return [...points, 100].map((point, index) => point - (index === 0 ? 0 : points[index - 1]!))
})

t.test('the batch statement splits an amount exactly as splitFen does', async (t) => {
  t.same(await split(72_000, [50, 30, 20]), [36_000, 21_600, 14_400], '720.00 = 360.00 + 216.00 + 144.00')
  t.same(await split(1, [50, 30, 20]), [1, 0, 0], 'one fen goes to the largest remainder, the first listed winning a tie')
  t.same(await split(7, [50, 50]), [4, 3])
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 10_000_000_000 }), shares, async (amount, percents) => {
    const parts = await split(amount, percents)
    t.same(parts, splitFen(amount, percents.map((percent, index) => ({ source: `s${index}`, percent }))).map((part) => part.fen))
    return parts.reduce((sum, part) => sum + part, 0) === amount
  }), { numRuns: 200 })
})

async function split (amount: number, percents: number[]): Promise<number[]> {
  const { rows } = await sql<{ parts: string[] }>`select ${compileSplit(sql`${amount}::bigint`, percents)}::text[] as parts`.execute(database.db)
  return rows[0]!.parts.map(Number)
}
