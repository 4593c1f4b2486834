import { randomBytes } from 'node:crypto'
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from './config.js'

/**
 * The key that encrypts ID and account numbers. Required in the environment with
 * PostgreSQL (config refuses to start without it); on the embedded engine it is made
 * once and kept beside the data, so a fresh clone starts with nothing to set.
 */
export async function resolvePiiKey (config: Config): Promise<Buffer> {
  if (config.PII_KEY) return Buffer.from(config.PII_KEY, 'base64')
  const file = path.join(config.DATA_DIR, 'pii.key')
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = randomBytes(32)
  await mkdir(config.DATA_DIR, { recursive: true })
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  return key
}
