import { chmod, readdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { lockDataDir, type DataDirLock } from './data-dir-lock.js'
import { PGliteDialect } from './pglite-dialect.js'
import { typeParsers } from './type-parsers.js'
import type { DB } from './types.js'

export type Engine = 'postgres' | 'embedded'

export interface DatabaseOptions {
  /** PostgreSQL connection URL; without it the embedded engine is used. */
  url?: string | undefined
  /** Data directory of the embedded engine; without it the embedded engine keeps its data in memory. */
  dataDir?: string | undefined
  poolSize?: number
  logger?: Logger
  /** The data directory's lock, already taken (the server takes it before anything slow); without it openDatabase takes it. */
  lock?: DataDirLock
  /** What this process is, as the lock names it to another that finds the directory held. */
  command?: string
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
  return options.url ? openPostgres(options.url, options) : openEmbedded(options)
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

async function openEmbedded ({ dataDir, lock, command }: DatabaseOptions): Promise<Database> {
  if (!dataDir) return embedded(await PGlite.create({ parsers: typeParsers }))
  const held = lock ?? await lockDataDir(dataDir, { command: command ?? 'huimin' })
  try {
    const client = await PGlite.create(dataDir, { parsers: typeParsers })
    // PGlite unpacks a new cluster's files readable and writable by anyone (0666); the
    // files it makes later follow PostgreSQL's own 0600.
    await makePrivate(dataDir)
    return embedded(client, held)
  } catch (error) {
    held.release()
    throw error
  }
}

function embedded (client: PGlite, lock?: DataDirLock): Database {
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) })
  return {
    db,
    engine: 'embedded',
    isReachable: (timeoutMs) => client.closed ? Promise.resolve(false) : probe(db, timeoutMs),
    close: async () => {
      try {
        await db.destroy()
      } finally {
        lock?.release()
      }
    },
  }
}

/** Directories 0700 and files 0600 under dir, dir included: the data is the service user's alone. */
export async function makePrivate (dir: string): Promise<void> {
  await chmod(dir, 0o700)
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name)
    if (entry.isDirectory()) await chmod(file, 0o700)
    else if (entry.isFile()) await chmod(file, 0o600)
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
