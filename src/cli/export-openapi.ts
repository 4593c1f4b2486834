import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { build } from '../app.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'

export const OPENAPI_PATH = new URL('../../openapi/openapi.json', import.meta.url)

/** The OpenAPI document exactly as the service serves it, formatted as committed. */
export function renderOpenapi (app: FastifyInstance): string {
  return `${JSON.stringify(app.swagger(), null, 2)}\n`
}

/** Builds the app on a throw-away in-memory database and writes (or, with check, compares) openapi/openapi.json. */
export async function exportOpenapi ({ check }: { check: boolean }): Promise<boolean> {
  const config = loadConfig({ LOG_LEVEL: 'silent' })
  const app = await build({ config, database: await openDatabase({}), piiKey: randomBytes(32) })
  try {
    await app.ready()
    const rendered = renderOpenapi(app)
    if (check) return rendered === await readFile(OPENAPI_PATH, 'utf8').catch(() => '')
    await writeFile(OPENAPI_PATH, rendered)
    return true
  } finally {
    await app.close()
  }
}
