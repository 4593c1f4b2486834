import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { build } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { openDatabase, type Database } from '../src/db/database.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing } from '../src/domain/identity/acting.js'
import { createAdministrator } from '../src/domain/identity/service.js'
import { adminQuery, createServerDatabaseFromTemplate, embeddedTemplate, withDatabaseName } from './template-db.js'

/** The PostgreSQL server the suite runs against, or undefined for the embedded engine. */
export const serverUrl = process.env.DATABASE_URL || undefined

export function testConfig (overrides: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    JOB_POLL_MS: '0',
    PII_KEY: randomBytes(32).toString('base64'),
    ...overrides,
  })
}

/**
 * A clean, migrated and seeded database for one test file, copied from the template
 * (test/template-db.ts): a new in-memory embedded engine loading the template's data
 * directory, or a new database on the server named by DATABASE_URL, dropped at the end.
 */
export async function testDatabase (t: Test, config: Config = testConfig()): Promise<{ database: Database, url?: string }> {
  if (!serverUrl) {
    const database = await openDatabase({ loadDataDir: await embeddedTemplate(config) })
    t.teardown(() => database.close())
    return { database }
  }
  const name = newDatabaseName()
  await createServerDatabaseFromTemplate(serverUrl, name, config)
  t.teardown(() => adminQuery(serverUrl!, `drop database if exists ${name} with (force)`))
  const url = withDatabaseName(serverUrl, name)
  const database = await openDatabase({ url, poolSize: 10 })
  t.teardown(() => database.close())
  return { database, url }
}

/** A new, empty database on the server named by DATABASE_URL, dropped when the test ends. */
export async function emptyServerDatabase (t: Test): Promise<string> {
  if (!serverUrl) throw new Error('DATABASE_URL is not set')
  const name = newDatabaseName()
  await adminQuery(serverUrl, `create database ${name}`)
  t.teardown(() => adminQuery(serverUrl!, `drop database if exists ${name} with (force)`))
  return withDatabaseName(serverUrl, name)
}

function newDatabaseName (): string {
  return `huimin_test_${process.pid}_${randomBytes(4).toString('hex')}`
}

export interface TestApp {
  app: FastifyInstance
  database: Database
  config: Config
  /** On PostgreSQL, the test database's URL (for a second instance on it). */
  url?: string
}

/** The service as the server builds it, on a clean database, closed when the test ends. */
export async function buildApp (t: Test, overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(overrides)
  const { database, url } = await testDatabase(t, config)
  const app = await build({ config, database })
  t.teardown(() => app.close())
  return { app, database, config, ...(url ? { url } : {}) }
}

export interface Api {
  app: FastifyInstance
  /** A request with a bearer token, answering status and parsed body. */
  call (token: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number, body: any, headers: Record<string, unknown> }>
}

export function apiOf (app: FastifyInstance): Api {
  return {
    app,
    async call (token, method, url, body) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      })
      return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers }
    },
  }
}

/** The district administrator every test world starts from, made as `cli create-admin` makes it. */
export async function districtAdmin (database: Database, config: Config): Promise<string> {
  const { token } = await createAdministrator(database.db, systemActing('test', config.DISTRICT_CODE, systemClock()), { name: '区管理员', regionCode: config.DISTRICT_CODE })
  return token.token
}

/**
 * A small world: the district with two townships, each with a village, and helpers
 * to make officers with tokens anywhere in it.
 */
export async function regionWorld (t: Test, overrides: Record<string, string> = {}) {
  const built = await buildApp(t, overrides)
  const api = apiOf(built.app)
  const admin = await districtAdmin(built.database, built.config)
  const district = built.config.DISTRICT_CODE
  const townA = `${district}.001`
  const townB = `${district}.002`
  const villageA = `${townA}.001`
  const villageB = `${townB}.001`
  for (const [code, level, name] of [[townA, 'township', '甲镇'], [townB, 'township', '乙镇'], [villageA, 'village', '甲村'], [villageB, 'village', '乙村']] as const) {
    const created = await api.call(admin, 'POST', '/v1/regions', { code, name, level, parentCode: code.slice(0, code.lastIndexOf('.')) })
    if (created.status !== 201) throw new Error(`region ${code}: ${JSON.stringify(created.body)}`)
  }
  const officer = async (roles: string[], regionCode: string, name = '测试员') => {
    const created = await api.call(admin, 'POST', '/v1/officers', { name, roles, regionCode })
    if (created.status !== 201) throw new Error(`officer: ${JSON.stringify(created.body)}`)
    const issued = await api.call(admin, 'POST', `/v1/officers/${created.body.id}/tokens`, {})
    return { id: created.body.id as string, token: issued.body.token as string, tokenId: issued.body.id as string }
  }
  return { ...built, api, admin, district, townA, townB, villageA, villageB, officer }
}
