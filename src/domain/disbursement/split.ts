import { sql, type RawBuilder } from 'kysely'

/**
 * splitFen (src/domain/money.ts) as SQL: an amount of fen split by whole-percent shares
 * so the parts add up exactly — each part rounded down, the fen left over going one
 * each to the shares with the largest remainders, the first listed winning a tie. One
 * array of parts per row, in the order of the shares.
 */
export function compileSplit (amount: RawBuilder<number>, percents: readonly number[]): RawBuilder<string[]> {
  const floor = (p: number) => sql`(${amount} * ${p}::bigint / 100)`
  const remainder = (p: number) => sql`(${amount} * ${p}::bigint % 100)`
  const left = sql`(${amount} - (${sql.join(percents.map(floor), sql` + `)}))`
  const parts = percents.map((p, i) => {
    const ahead = percents.map((q, j) => j === i
      ? sql`0`
      : sql`(case when ${remainder(q)} > ${remainder(p)} ${j < i ? sql`or ${remainder(q)} = ${remainder(p)}` : sql``} then 1 else 0 end)`)
    return sql`${floor(p)} + (case when (${sql.join(ahead, sql` + `)}) < ${left} then 1 else 0 end)`
  })
  return sql<string[]>`array[${sql.join(parts)}]::bigint[]`
}
