import type { PGlite, Results } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/**
 * Kysely dialect for the embedded engine. PGlite is one backend with one session,
 * so a connection is an exclusive lease on it: a transaction holds the lease until it
 * ends, and other callers wait their turn, exactly as they would for the last free
 * connection of a pool of one.
 */
export class PGliteDialect implements Dialect {
  constructor (private readonly client: PGlite) {}

  createAdapter () { return new PostgresAdapter() }
  createDriver (): Driver { return new PGliteDriver(this.client) }
  createIntrospector (db: Kysely<any>) { return new PostgresIntrospector(db) }
  createQueryCompiler () { return new PostgresQueryCompiler() }
}

class PGliteDriver implements Driver {
  #lease: Promise<void> = Promise.resolve()

  constructor (private readonly client: PGlite) {}

  async init (): Promise<void> {
    await this.client.waitReady
  }

  async acquireConnection (): Promise<DatabaseConnection> {
    let release!: () => void
    const previous = this.#lease
    this.#lease = new Promise<void>((resolve) => { release = resolve })
    await previous
    return new PGliteConnection(this.client, release)
  }

  async releaseConnection (connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).release()
  }

  async beginTransaction (connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter(Boolean).join(', ')
    await connection.executeQuery(CompiledQuery.raw(`start transaction ${modes}`.trim()))
  }

  async commitTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async savepoint (connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name}"`))
  }

  async rollbackToSavepoint (connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint "${name}"`))
  }

  async releaseSavepoint (connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint "${name}"`))
  }

  async destroy (): Promise<void> {
    if (!this.client.closed) await this.client.close()
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor (private readonly client: PGlite, readonly release: () => void) {}

  async executeQuery<R> (query: CompiledQuery): Promise<QueryResult<R>> {
    // Without parameters the simple protocol is used, as pg does, so a raw script of
    // several statements runs the same way on both engines.
    const result: Results<R> = query.parameters.length === 0
      ? lastOf(await this.client.exec(query.sql)) as Results<R>
      : await this.client.query<R>(query.sql, query.parameters as unknown[])
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    }
  }

  // eslint-disable-next-line require-yield
  async * streamQuery<R> (): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded engine')
  }
}

function lastOf (results: Array<Results<unknown>>): Results<unknown> {
  return results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 }
}
