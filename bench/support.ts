import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { openDatabase, type Database } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'

/** The bench scripts measure on PostgreSQL: DATABASE_URL names the server (any database on it). */
export function serverUrl (): string {
  const url = process.env.DATABASE_URL
  if (!url) {
    process.stderr.write('Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres\n')
    process.exit(2)
  }
  return url
}

/** A new migrated database on the server for one bench run, dropped by the returned close(). */
export async function benchDatabase (poolSize = 20): Promise<{ database: Database, url: string, close: () => Promise<void> }> {
  const admin = serverUrl()
  const name = `huimin_bench_${randomBytes(4).toString('hex')}`
  await adminQuery(admin, `create database ${name}`)
  const url = new URL(admin)
  url.pathname = `/${name}`
  const database = await openDatabase({ url: url.toString(), poolSize })
  await migrateToLatest(database.db)
  return {
    database,
    url: url.toString(),
    close: async () => {
      await database.close()
      await adminQuery(admin, `drop database ${name} with (force)`)
    },
  }
}

async function adminQuery (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { await client.query(statement) } finally { await client.end() }
}

export async function timed<T> (work: () => Promise<T>): Promise<{ seconds: number, result: T }> {
  const start = process.hrtime.bigint()
  const result = await work()
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result }
}

export function row (label: string, value: string, note = ''): void {
  console.log(`${label.padEnd(52)} ${value.padStart(14)}  ${note}`)
}

export const count = (n: number) => n.toLocaleString('en-US')

/**
 * The V8 flags the service is started with, as `npm start` gives them (the Dockerfile's
 * CMD carries the same, as test/packaging/container.test.ts checks): a bench starts the
 * service the way it runs.
 */
export const SERVICE_NODE_FLAGS: string[] = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } })
  .scripts.start.split(/\s+/).filter((word) => /^--(?!import)[a-z-]+=/.test(word))
