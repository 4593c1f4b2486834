/**
 * The migrated, seeded database every test file starts from, made once and copied:
 * on PostgreSQL a template database (`create database … template …`), on the embedded
 * engine a dumped data directory that a new engine loads. Migrating and seeding a new
 * database each time cost more than most test files' own work.
 *
 * A template is named by a hash of what can change what it holds: the migrations, the
 * code the seed can reach (src/bootstrap.ts, src/db, src/domain), the district it is
 * seeded for and the embedded engine's version. A change to any of them makes a new
 * template; templates of other hashes unused for an hour are removed when one is made.
 *
 * Tests of migrating and seeding themselves do not come here: they open an empty
 * database (emptyServerDatabase, or the embedded engine without a template).
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, rename, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import pg from 'pg'
import { prepareDatabase } from '../src/bootstrap.js'
import type { Config } from '../src/config.js'
import { openDatabase, type Database } from '../src/db/database.js'
import { PGliteDialect } from '../src/db/pglite-dialect.js'
import { typeParsers } from '../src/db/type-parsers.js'
import type { DB } from '../src/db/types.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const HASHED = ['migrations', 'src/bootstrap.ts', 'src/db', 'src/domain']
const UNUSED_FOR = 3_600_000
const PREFIX = 'huimin_tpl_'

/** The hash naming the template for this district, with the sources as they are now. */
async function templateKey (config: Config): Promise<string> {
  const hash = createHash('sha256')
  const pglite = JSON.parse(await readFile(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }
  hash.update(`pglite ${pglite.version}\0district ${config.DISTRICT_CODE} ${config.DISTRICT_NAME}\0`)
  for (const file of await sourceFiles()) {
    hash.update(`${file}\0`).update(await readFile(path.join(root, file))).update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

async function sourceFiles (): Promise<string[]> {
  const files: string[] = []
  for (const entry of HASHED) {
    if ((await stat(path.join(root, entry))).isFile()) {
      files.push(entry)
      continue
    }
    const within = await readdir(path.join(root, entry), { recursive: true, withFileTypes: true })
    for (const file of within) {
      if (file.isFile()) files.push(path.relative(root, path.join(file.parentPath, file.name)))
    }
  }
  return files.sort()
}

/** Seeds as the service does on its first start: migrations, the district, the catalogue. */
async function migrateAndSeed (database: Database, config: Config): Promise<void> {
  const { migrations, brandNew } = await prepareDatabase(database, config)
  if (!brandNew || migrations.length === 0) throw new Error('the template database was not new')
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

const serverTemplates = new Map<string, Promise<string>>()

/**
 * Creates database `name` on the server of `serverUrl` as a copy of the migrated, seeded
 * template, making the template first if this run is the first to need it.
 */
export async function createServerDatabaseFromTemplate (serverUrl: string, name: string, config: Config): Promise<void> {
  const key = await templateKey(config)
  for (let attempt = 1; ; attempt++) {
    if (!serverTemplates.has(key)) serverTemplates.set(key, ensureServerTemplate(serverUrl, key, config))
    const template = await serverTemplates.get(key)!
    try {
      await adminQuery(serverUrl, `create database ${name} template ${template}`)
      return
    } catch (error) {
      const code = (error as { code?: string }).code
      if (attempt >= 20) throw error
      if (code === '3D000') serverTemplates.delete(key) // removed meanwhile by another run's clean-up: make it again
      else if (code !== '55006') throw error // 55006: "source database is being accessed by other users"
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
    }
  }
}

/**
 * The template's name, made under an advisory lock so that test files starting together
 * make it once. It is marked a template and closed to connections only when complete,
 * so a template left half-made by a crash is made again.
 */
async function ensureServerTemplate (serverUrl: string, key: string, config: Config): Promise<string> {
  const name = `${PREFIX}${key}`
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [BigInt.asIntN(64, BigInt(`0x${key}`)).toString()])
    const found = await client.query<{ datistemplate: boolean }>('select datistemplate from pg_database where datname = $1', [name])
    if (found.rows[0]?.datistemplate) return name
    await client.query(`drop database if exists ${name} with (force)`)
    await client.query(`create database ${name}`)
    const database = await openDatabase({ url: withDatabaseName(serverUrl, name), poolSize: 2 })
    try {
      await migrateAndSeed(database, config)
    } finally {
      await database.close()
    }
    await client.query(`comment on database ${name} is '${new Date().toISOString()}'`)
    await client.query(`alter database ${name} with is_template true allow_connections false`)
    await removeUnusedServerTemplates(client, name)
    return name
  } finally {
    await client.end() // and with the session, the lock
  }
}

/** Other templates made more than an hour ago; one in use by a run elsewhere is remade there. */
async function removeUnusedServerTemplates (client: pg.Client, keep: string): Promise<void> {
  const others = await client.query<{ datname: string, made: string | null }>(
    `select datname, shobj_description(oid, 'pg_database') as made from pg_database
      where datname like '${PREFIX}%' and datname <> $1`, [keep])
  for (const { datname, made } of others.rows) {
    if (made && Date.now() - Date.parse(made) < UNUSED_FOR) continue
    try {
      await client.query(`alter database ${datname} with is_template false`)
      await client.query(`drop database ${datname} with (force)`)
    } catch {
      // being copied this very moment, or already gone: the next clean-up takes it
    }
  }
}

export function withDatabaseName (url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

export async function adminQuery (serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

// ---------------------------------------------------------------------------------------
// Embedded

const cacheDir = path.join(tmpdir(), 'huimin-test-templates')
const embeddedTemplates = new Map<string, Promise<Blob>>()

/**
 * The migrated, seeded embedded data directory as a tarball (uncompressed: it loads a
 * second faster than gzip's), kept in the system's temporary folder for the next files
 * and runs. Two files that find it missing both make it; the rename keeps one.
 */
export async function embeddedTemplate (config: Config): Promise<Blob> {
  const key = await templateKey(config)
  if (!embeddedTemplates.has(key)) {
    embeddedTemplates.set(key, loadOrMakeEmbeddedTemplate(key, config))
    embeddedTemplates.get(key)!.catch(() => embeddedTemplates.delete(key))
  }
  return embeddedTemplates.get(key)!
}

async function loadOrMakeEmbeddedTemplate (key: string, config: Config): Promise<Blob> {
  const file = path.join(cacheDir, `${key}.tar`)
  try {
    const tarball = await readFile(file)
    const now = new Date()
    await utimes(file, now, now).catch(() => {})
    return new Blob([tarball])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const client = await PGlite.create(undefined, { parsers: typeParsers })
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) })
  let tarball: Blob
  try {
    await migrateAndSeed({ db, engine: 'embedded', isReachable: async () => true, listen: async () => ({ close: async () => {} }), close: () => db.destroy() }, config)
    tarball = await client.dumpDataDir('none')
  } finally {
    await db.destroy()
  }
  await mkdir(cacheDir, { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  await writeFile(partial, Buffer.from(await tarball.arrayBuffer()))
  await rename(partial, file)
  await removeUnusedEmbeddedTemplates(file)
  return tarball
}

async function removeUnusedEmbeddedTemplates (keep: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const file = path.join(cacheDir, name)
    if (file === keep) continue
    const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: Date.now() }))
    if (Date.now() - mtimeMs > UNUSED_FOR) await rm(file, { force: true })
  }
}
