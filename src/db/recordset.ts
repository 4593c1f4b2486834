import { sql, type RawBuilder } from 'kysely'

/** A column of the rows a statement is given: its name and its SQL type. */
export type RecordColumn = readonly [name: string, type: 'text' | 'uuid' | 'jsonb' | 'int']

/**
 * Rows given to a statement as few parameters however many rows: a column whose value is
 * the same in every row is one parameter, and the columns that differ go as one JSON
 * document read by `jsonb_to_recordset`, so 5,000 audit rows of one step send their
 * action, states, reason and role once, not 5,000 times. `from` is the FROM item, aliased
 * as given; `column(name)` the value of a column in the row at hand.
 */
export function recordset (records: ReadonlyArray<Record<string, unknown>>, columns: readonly RecordColumn[], alias: string) {
  const first = records[0] ?? {}
  const same = (name: string) => {
    const value = JSON.stringify(first[name] ?? null)
    return records.every((record) => JSON.stringify(record[name] ?? null) === value)
  }
  const varying = columns.filter(([name]) => !same(name))
  const from = varying.length === 0
    ? sql`generate_series(1, ${records.length}::int) as ${sql.raw(alias)} (n)`
    : sql`jsonb_to_recordset(${JSON.stringify(records.map((record) => Object.fromEntries(varying.map(([name]) => [name, record[name] ?? null]))))}::jsonb)
        as ${sql.raw(alias)} (${sql.raw(varying.map(([name, type]) => `${name} ${type}`).join(', '))})`
  const column = (name: string): RawBuilder<unknown> => {
    const spec = columns.find(([each]) => each === name)
    if (!spec) throw new Error(`recordset: no column ${name}`)
    if (varying.includes(spec)) return sql`${sql.raw(alias)}.${sql.raw(name)}`
    const value = first[name] ?? null
    return sql`${spec[1] === 'jsonb' ? (value === null ? null : JSON.stringify(value)) : value}::${sql.raw(spec[1])}`
  }
  return { from, column }
}
