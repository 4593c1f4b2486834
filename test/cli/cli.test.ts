import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { build } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { resolvePiiKey } from '../../src/pii-key.js'
import { apiOf, emptyServerDatabase, serverUrl, testConfig } from '../helper.js'
import { runCli } from '../run-cli.js'

const cli = runCli

const env: Record<string, string> = {}
if (serverUrl) {
  env.DATABASE_URL = await emptyServerDatabase(t)
  env.PII_KEY = testConfig().PII_KEY!
} else {
  env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'huimin-cli-'))
  t.teardown(() => rm(env.DATA_DIR!, { recursive: true, force: true }))
}

t.test('create-admin prints a working administrator token alone on the last line', async (t) => {
  const run = await cli(env, 'create-admin', '--name', '区管理员')
  t.equal(run.code, 0, run.stderr)
  const token = run.stdout.trim().split('\n').at(-1)!
  t.match(token, /^hm_[A-Za-z0-9_-]{43}$/)

  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' })
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR })
  const app = await build({ config, database, piiKey: await resolvePiiKey(config) })
  try {
    const api = apiOf(app)
    const region = await api.call(token, 'GET', '/v1/regions/420102')
    t.equal(region.status, 200, 'the token works')
    t.match(region.body, { code: '420102', level: 'district' })
    const officers = await api.call(token, 'GET', '/v1/officers')
    t.match(officers.body.items, [{ name: '区管理员', roles: ['admin'], regionCode: '420102' }])
  } finally {
    await app.close()
  }
})

t.test('create-admin without a name says what it needs', async (t) => {
  const run = await cli(env, 'create-admin')
  t.equal(run.code, 2)
  t.match(run.stderr, /--name/)
})

t.test('verify-audit answers valid with exit 0', async (t) => {
  const run = await cli(env, 'verify-audit')
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /valid: nothing was altered or removed/)
})

t.test('verify-audit exits 1 only for a broken trail: a command that cannot run exits 4', async (t) => {
  const run = await cli({ ...env, LOG_LEVEL: 'loud' }, 'verify-audit')
  t.equal(run.code, 4)
  t.match(run.stderr, /^huimin: configuration: LOG_LEVEL is invalid/)
})

t.test('--help prints the usage, the huimin command and the exit codes', async (t) => {
  const run = await cli(env, '--help')
  t.equal(run.code, 0)
  t.match(run.stdout, /^Usage: huimin <command>/)
  t.match(run.stdout, /Exit codes: 0 done; 1 the answer is no[\s\S]*3 the embedded\sdatabase is in use/)
})

t.test('an unknown command prints the usage and exits 2', async (t) => {
  const run = await cli(env, 'frobnicate')
  t.equal(run.code, 2)
  t.match(run.stderr, /unknown command: frobnicate[\s\S]*create-admin/)
})
