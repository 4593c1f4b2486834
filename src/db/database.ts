import { chmod, readdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { lockDataDir, type DataDirLock } from './data-dir-lock.js'
import { PGliteDialect } from './pglite-dialect.js'
import { prepareStatements } from './prepared.js'
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
  /**
   * Hears the notifications of channels (NOTIFY), on PostgreSQL through a connection
   * of its own, opened again a second after it is lost. onState says whether
   * notifications are being heard: while they are not, some may be missed.
   */
  listen (channels: readonly string[], onNotification: (channel: string, payload: string) => void, onState: (listening: boolean) => void): Promise<Listening>
  close (): Promise<void>
}

export interface Listening {
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
  pool.on('connect', (client) => {
    client.on('error', reportLostConnection)
    prepareStatements(client)
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    engine: 'postgres',
    isReachable: (timeoutMs) => probe(db, timeoutMs),
    listen: (channels, onNotification, onState) => listenOnPostgres(url, channels, onNotification, onState, options.logger),
    close: () => db.destroy(),
  }
}

/** The application name of the connections that listen: an instance counts those of its database to know how many instances there are. */
export const LISTENER_NAME = 'huimin listener'

async function listenOnPostgres (url: string, channels: readonly string[], onNotification: (channel: string, payload: string) => void,
  onState: (listening: boolean) => void, logger: Logger | undefined): Promise<Listening> {
  let closed = false
  let client: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: LISTENER_NAME })
    const lost = (error?: Error) => {
      if (client !== next) return
      client = undefined
      onState(false)
      if (error) logger?.warn({ err: error }, 'notification connection lost')
      void next.end().catch(() => {})
      if (!closed) retry = setTimeout(() => { void connect() }, 1000)
    }
    next.on('error', lost)
    next.on('end', () => lost())
    next.on('notification', (message) => { if (channels.includes(message.channel)) onNotification(message.channel, message.payload ?? '') })
    client = next
    try {
      await next.connect()
      for (const channel of channels) await next.query(`listen ${channel}`)
      if (client === next && !closed) onState(true)
    } catch (error) {
      lost(error as Error)
    }
  }
  await connect()
  return {
    close: async () => {
      closed = true
      clearTimeout(retry)
      const last = client
      client = undefined
      onState(false)
      await last?.end().catch(() => {})
    },
  }
}

/**
 * The embedded engine's settings: shared buffers of 32 MB instead of PostgreSQL's 128 MB,
 * which the engine's WebAssembly memory holds whole, resident from the start. The
 * embedded engine serves one instance's small district; PostgreSQL is for more.
 */
const EMBEDDED_SETTINGS = ['shared_buffers = 32MB']

async function openEmbedded ({ dataDir, loadDataDir, lock, command }: DatabaseOptions): Promise<Database> {
  const options = { parsers: typeParsers, postgresqlconf: EMBEDDED_SETTINGS, ...(loadDataDir ? { loadDataDir } : {}) }
  if (!dataDir) return embedded(await PGlite.create(options))
  const held = lock ?? await lockDataDir(dataDir, { command: command ?? 'huimin' })
  try {
    const client = await PGlite.create(dataDir, options)
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
    // One session: a notification is heard as the statement that commits it returns.
    listen: async (channels, onNotification, onState) => {
      const stops: Array<() => Promise<void>> = []
      for (const channel of channels) stops.push(await client.listen(channel, (payload) => onNotification(channel, payload)))
      onState(true)
      return {
        close: async () => {
          onState(false)
          for (const stop of stops) if (!client.closed) await stop()
        },
      }
    },
    // Kysely closes the engine only if a query was ever made; an engine left open keeps
    // the process alive, so it is closed here whatever was done with it.
    close: async () => {
      try {
        await db.destroy()
        if (!client.closed) await client.close()
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
