import { createHash } from 'node:crypto'
import type pg from 'pg'

/** The most statements one connection keeps prepared; past it, statements go unnamed, parsed and planned each time. */
const MOST_PER_CONNECTION = 500
/** Statements with more parameters than this, or longer text, are rare bulk ones: they go unnamed. */
const MOST_PARAMETERS = 64
const LONGEST_TEXT = 16_384

/**
 * Makes each parameterised statement a prepared one on the connection that runs it:
 * PostgreSQL parses it once per connection and, after a few runs, keeps a generic plan
 * when it is no worse than a fresh one. Planning the joins of a case, a household or
 * a verification costs PostgreSQL 0.4–0.6 ms each time, more than running them
 * (docs/scaling.md). The name is a digest of the text, so one text is one statement
 * on each connection. A plan kept across a change of the schema is planned again by
 * PostgreSQL; a statement whose result columns a migration changed is refused once
 * ("cached plan must not change result type"): it is sent unnamed from then on, at once
 * when no transaction is open.
 */
export function prepareStatements (client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const prepared = new Set<string>()
  const stale = new Set<string>()
  client.query = ((text: unknown, values?: unknown, ...rest: unknown[]) => {
    const name = rest.length === 0 && typeof text === 'string' && Array.isArray(values) ? nameOf(text, values, prepared, stale) : undefined
    if (name === undefined) return query(text, values, ...rest)
    prepared.add(name)
    return (query({ name, text, values }) as Promise<pg.QueryResult>).catch(async (error: unknown) => {
      if (!isResultTypeChanged(error)) throw error
      // Outside a transaction the statement runs again, unnamed; inside one, the transaction has failed.
      stale.add(name)
      return await (query(text, values) as Promise<pg.QueryResult>).catch(() => { throw error })
    })
  }) as typeof client.query
}

function nameOf (text: string, values: unknown[], prepared: Set<string>, stale: Set<string>): string | undefined {
  if (values.length === 0 || values.length > MOST_PARAMETERS || text.length > LONGEST_TEXT) return undefined
  const name = `h${createHash('sha1').update(text).digest('base64url')}`
  if (stale.has(name)) return undefined
  return prepared.has(name) || prepared.size < MOST_PER_CONNECTION ? name : undefined
}

function isResultTypeChanged (error: unknown): boolean {
  return (error as { code?: string }).code === '0A000' && String((error as Error).message).includes('cached plan must not change result type')
}
