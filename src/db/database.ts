import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { PGliteDialect } from './pglite-dialect.js'
import { typeParsers } from './type-parsers.js'
import type { DB } from './types.js'

export type Engine = 'postgres' | 'embedded'

export interface DatabaseOptions {
  /** PostgreSQL connection URL; without it the embedded engine is used. */
  url?: string | undefined
  /** Data directory of the embedded engine; without it the embedded engine keeps its data in memory. */
  dataDir?: string | undefined
  /** A data directory dumped by the embedded engine (dumpDataDir) to start from, instead of a new one. */
  loadDataDir?: Blob | undefined
  poolSize?: number
  logger?: Logger
}

/** The one database handle the service uses, whichever engine is underneath. */
export interface Database {
  readonly db: Kysely<DB>
  readonly engine: Engine
  /** Answers whether the database takes a query within the timeout. */
  isReachable (timeoutMs?: number): Promise<boolean>
  close (): Promise<void>
}

export async function openDatabase (options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openEmbedded(options.dataDir, options.loadDataDir)
}

function openPostgres (url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 20,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: 'huimin',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        typeParsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  })
  // A connection can die at any moment, idle in the pool or checked out between two
  // queries. Its error must never go unheard (an unheard 'error' event ends the
  // process): the pool drops a dead idle connection, and a checked-out one fails
  // its next query, which rolls its transaction back.
  const reportLostConnection = (error: Error) => options.logger?.warn({ err: error }, 'database connection lost')
  pool.on('error', reportLostConnection)
  pool.on('connect', (client) => client.on('error', reportLostConnection))
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    engine: 'postgres',
    isReachable: (timeoutMs) => probe(db, timeoutMs),
    close: () => db.destroy(),
  }
}

async function openEmbedded (dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true })
  const client = await PGlite.create(dataDir, { parsers: typeParsers, ...(loadDataDir ? { loadDataDir } : {}) })
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) })
  return {
    db,
    engine: 'embedded',
    isReachable: (timeoutMs) => client.closed ? Promise.resolve(false) : probe(db, timeoutMs),
    close: () => db.destroy(),
  }
}

async function probe (db: Kysely<DB>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(resolve, timeoutMs, false) })
  const query = sql`select 1`.execute(db).then(() => true, () => false)
  try {
    return await Promise.race([query, timeout])
  } finally {
    clearTimeout(timer)
  }
}
