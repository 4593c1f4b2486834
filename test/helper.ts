import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import type { Test } from 'tap'
import { build } from '../src/app.js'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig, type Config } from '../src/config.js'
import { openDatabase, type Database } from '../src/db/database.js'

/** The PostgreSQL server the suite runs against, or undefined for the embedded engine. */
export const serverUrl = process.env.DATABASE_URL || undefined

export function testConfig (overrides: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    PII_KEY: randomBytes(32).toString('base64'),
    ...overrides,
  })
}

/**
 * A clean, migrated and seeded database for one test file: a new in-memory embedded
 * engine, or a new database on the server named by DATABASE_URL, dropped at the end.
 */
export async function testDatabase (t: Test, config: Config = testConfig()): Promise<{ database: Database, url?: string }> {
  if (!serverUrl) {
    const database = await openDatabase({})
    t.teardown(() => database.close())
    await prepareDatabase(database, config)
    return { database }
  }
  const url = await emptyServerDatabase(t)
  const database = await openDatabase({ url, poolSize: 10 })
  t.teardown(() => database.close())
  await prepareDatabase(database, config)
  return { database, url }
}

/** A new, empty database on the server named by DATABASE_URL, dropped when the test ends. */
export async function emptyServerDatabase (t: Test): Promise<string> {
  if (!serverUrl) throw new Error('DATABASE_URL is not set')
  const name = `huimin_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(`create database ${name}`)
  t.teardown(() => adminQuery(`drop database if exists ${name} with (force)`))
  return withDatabaseName(serverUrl, name)
}

export interface TestApp {
  app: FastifyInstance
  database: Database
  config: Config
}

/** The service as the server builds it, on a clean database, closed when the test ends. */
export async function buildApp (t: Test, overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(overrides)
  const { database } = await testDatabase(t, config)
  const app = await build({ config, database })
  t.teardown(() => app.close())
  return { app, database, config }
}

export function withDatabaseName (url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

async function adminQuery (statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
