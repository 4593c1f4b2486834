import { sql, type RawBuilder } from 'kysely'

/** Past this many ids, the list is joined as a set rather than compared element by element. */
const MOST_COMPARED = 100

/**
 * `column = $1` for one id, `column = any($1)` for a few, `column in (select unnest($1))`
 * for many. PostgreSQL plans an array of unknown length as ten rows, so a prepared
 * statement with `any` is planned afresh at every call (0.4–0.6 ms for a case's joins);
 * with `=` it keeps its generic plan after a few calls. A single case's, token's or
 * batch's step is the common call. Planning `any` with the array's values looks at every
 * element: 10,000 case ids took 140 ms to plan, more than the update itself; a set
 * joined costs the planner nothing for its size.
 */
export function idIn (column: string, ids: readonly string[]): RawBuilder<boolean> {
  if (ids.length === 1) return sql<boolean>`${sql.ref(column)} = ${ids[0]}::uuid`
  return ids.length <= MOST_COMPARED
    ? sql<boolean>`${sql.ref(column)} = any(${[...ids]}::uuid[])`
    : sql<boolean>`${sql.ref(column)} in (select unnest(${[...ids]}::uuid[]))`
}
