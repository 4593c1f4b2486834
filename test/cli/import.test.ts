import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { build } from '../../src/app.js'
import { apiOf, districtAdmin, testConfig, testDatabase } from '../helper.js'
import { couple } from '../registry/people.js'
import { runCli } from '../run-cli.js'

const config = testConfig({ JOB_POLL_MS: '20' })
const { database } = await testDatabase(t, config)
const app = await build({ config, database })
t.teardown(() => app.close())
const admin = await districtAdmin(database, config)
const api = apiOf(app)
await api.call(admin, 'POST', '/v1/regions', { code: '420102.001', name: '甲镇', level: 'township', parentCode: '420102' })
await api.call(admin, 'POST', '/v1/regions', { code: '420102.001.001', name: '甲村', level: 'village', parentCode: '420102.001' })
const address = await app.listen({ port: 0, host: '127.0.0.1' })

const dir = await mkdtemp(path.join(tmpdir(), 'huimin-import-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))

const cli = (...args: string[]) => runCli({ HUIMIN_URL: address, HUIMIN_TOKEN: admin }, ...args)

t.test('import-households uploads a file, follows the job and lists refused rows', async (t) => {
  const file = path.join(dir, 'households.ndjson')
  await writeFile(file, [JSON.stringify(couple('420102.001.001', 301)), JSON.stringify(couple('420102.001.001', 302)), 'nonsense'].join('\n'))
  const run = await cli('import-households', file)
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /imported 6 persons in 2 households; 0 already registered; 1 rows refused/)
  t.match(run.stdout, /row 3: not valid JSON/)
  t.match(run.stdout, /3\/3 rows/, 'progress is shown')
})

t.test('a file of unknown format or a refused upload is a clear failure', async (t) => {
  const odd = path.join(dir, 'households.txt')
  await writeFile(odd, 'x')
  const unknown = await cli('import-households', odd)
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /\.csv, \.ndjson or \.jsonl/)
  const empty = path.join(dir, 'empty.csv')
  await writeFile(empty, '')
  const refused = await cli('import-households', empty)
  t.equal(refused.code, 1)
  t.match(refused.stderr, /import refused \(400\): The file is empty/)
})
