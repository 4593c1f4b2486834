import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { emptyServerDatabase, serverUrl, testConfig } from '../helper.js'
import { startServer } from './start.js'

t.test('a bad environment value stops the start with one line naming it', async (t) => {
  for (const [variable, value] of [['PORT', 'abc'], ['LOG_LEVEL', 'loud'], ['DATABASE_URL', 'mysql://somewhere/db']] as const) {
    const run = await startServer({ [variable]: value, DATA_DIR: '/nonexistent/never-created' })
    t.not(run.code, 0, `${variable}=${value} exits non-zero`)
    const lines = run.stderr.trim().split('\n')
    t.equal(lines.length, 1, 'one line')
    t.match(lines[0], new RegExp(`^huimin: cannot start: ${variable} is invalid`))
    if (variable === 'DATABASE_URL') t.notMatch(run.stderr, /somewhere/, 'a connection URL is not echoed')
  }
})

t.test('PII_KEY is required with DATABASE_URL', async (t) => {
  const run = await startServer({ DATABASE_URL: 'postgres://127.0.0.1:1/none' })
  t.not(run.code, 0)
  t.match(run.stderr, /PII_KEY is required/)
})

t.test('a new database is prepared and its administrator announced once; every start prints the docs URL; the process drains and exits on SIGTERM', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'huimin-boot-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env: Record<string, string> = { DATA_DIR: dataDir }
  if (serverUrl) {
    env.DATABASE_URL = await emptyServerDatabase(t)
    env.PII_KEY = testConfig().PII_KEY!
  }
  const check = async (address: string) => {
    const ready = await fetch(`${address}/health/ready`)
    t.equal(ready.status, 200, '/health/ready answers 200')
    const docs = await fetch(`${address}/docs`)
    t.equal(docs.status, 200, '/docs answers 200')
    const spec = await fetch(`${address}/openapi.json`)
    t.equal((await spec.json() as { openapi: string }).openapi, '3.1.0')
  }
  const first = await startServer(env, check)
  t.equal(first.code, 0, 'exits cleanly on SIGTERM')
  t.match(first.stdout, /API reference: http:\/\/127\.0\.0\.1:\d+\/docs/, 'the first start prints the docs URL')
  if (serverUrl) t.match(first.stdout, /create-admin/, 'on PostgreSQL it says how to create the first administrator')
  else t.match(first.stdout, /shown only this once.*\nhm_[A-Za-z0-9_-]{43}\n/, 'on the embedded engine it prints a one-time admin token')
  const second = await startServer(env, check)
  t.equal(second.code, 0)
  t.match(second.stdout, /API reference: http:\/\/127\.0\.0\.1:\d+\/docs/, 'a later start prints the docs URL too')
  t.notMatch(second.stdout, /shown only this once|create-admin/, 'but does not announce a new database again')
  t.notMatch(second.stdout, /hm_[A-Za-z0-9_-]{43}/, 'nor print a token')
  if (!serverUrl) {
    const open: string[] = []
    for (const entry of [{ parentPath: path.dirname(dataDir), name: path.basename(dataDir) }, ...await readdir(dataDir, { withFileTypes: true, recursive: true })]) {
      const file = path.join(entry.parentPath, entry.name)
      const mode = (await stat(file)).mode & 0o777
      if (mode & 0o077) open.push(`${mode.toString(8)} ${path.relative(dataDir, file) || '.'}`)
    }
    t.same(open, [], 'every file and directory of the embedded engine is private to its user (0600 / 0700)')
  }
  t.match(second.stdout, /shutting down: draining requests/)
})
