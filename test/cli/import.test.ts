import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
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
  t.match(unknown.stderr, /\.csv, \.xlsx, \.ndjson or \.jsonl/)
  const empty = path.join(dir, 'empty.csv')
  await writeFile(empty, '')
  const refused = await cli('import-households', empty)
  t.equal(refused.code, 1)
  t.match(refused.stderr, /import refused \(400\): The file is empty/)
})

t.test('screen starts a screening on the service, follows it and says where the candidates are', async (t) => {
  // The two couples imported above: born 1945 and 1947, agricultural, one son each.
  const run = await cli('screen', 'RURAL_REWARD', '--region', '420102.001', '--year', '2012')
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /RURAL_REWARD 2012 in 420102\.001 \(rule version 1, facts as of 2012-12-31\): 4 qualify, 4 candidates, 3840\.00 yuan for the year/)
  t.match(run.stdout, /candidates: http:\/\/127\.0\.0\.1:\d+\/v1\/screenings\/[0-9a-f-]{36}\/persons\?outcome=candidate/)
  const unknown = await cli('screen', 'NO_SUCH', '--region', '420102.001', '--year', '2012')
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /screening refused \(404\): There is no programme NO_SUCH/)
  const incomplete = await cli('screen', 'RURAL_REWARD', '--year', '2012')
  t.equal(incomplete.code, 2)
  t.match(incomplete.stderr, /screen needs PROGRAM, --region CODE, --year YEAR/)
})

t.test('an import\'s progress moves as its chunks are written, and without a terminal the command prints lines as it goes', async (t) => {
  // Every change of a job's progress, as the database sees it.
  await sql`create table progress_seen (job_id uuid, done integer, total integer)`.execute(database.db)
  await sql`
    create function record_progress() returns trigger language plpgsql as $$
    begin
      insert into progress_seen values (new.id, new.done, new.total);
      return new;
    end $$`.execute(database.db)
  await sql`create trigger record_progress after update on jobs for each row execute function record_progress()`.execute(database.db)
  t.teardown(async () => {
    await sql`drop trigger record_progress on jobs`.execute(database.db)
    await sql`drop function record_progress`.execute(database.db)
    await sql`drop table progress_seen`.execute(database.db)
  })
  const file = path.join(dir, 'many.ndjson')
  // A row that cannot be read, then 300 households: chunks of 100 (a twentieth, not under 100).
  await writeFile(file, ['nonsense', ...Array.from({ length: 300 }, (_, index) => JSON.stringify(couple('420102.001.001', 1000 + index)))].join('\n'))
  const run = await cli('import-households', file)
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /imported 900 persons in 300 households; 0 already registered; 1 rows refused/)
  t.match(run.stdout, /^301\/301 rows \(100%\)$/m, 'the last progress line')
  const seen = await sql<{ done: number }>`select distinct done from progress_seen where total = 301 order by done`.execute(database.db)
  t.same(seen.rows.map(({ done }) => done), [0, 1, 101, 201, 301], 'the refused row, then each chunk of 100 households as it is written')
})
