import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { emptyServerDatabase, serverUrl, testConfig } from '../helper.js'

const root = path.resolve(import.meta.dirname, '../..')

interface Run { code: number | null, stdout: string, stderr: string }

/** Starts `npm start`'s entry point with the given environment; resolves when the process exits. */
function startServer (env: Record<string, string>, whileRunning?: (address: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let started = false
    child.stderr.on('data', (chunk) => { stderr += chunk })
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (listening && !started) {
        started = true
        ;(whileRunning ? whileRunning(listening[1]!) : Promise.resolve())
          .catch(reject)
          .finally(() => child.kill('SIGTERM'))
      }
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

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

t.test('a new database is prepared and announced once; the process drains and exits on SIGTERM', async (t) => {
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
  t.notMatch(second.stdout, /API reference/, 'a later start does not announce again')
  t.notMatch(second.stdout, /hm_[A-Za-z0-9_-]{43}/, 'nor print a token')
  t.match(second.stdout, /shutting down: draining requests/)
})
