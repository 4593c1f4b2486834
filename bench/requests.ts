/**
 * Single requests (DESIGN §10, issue 15), each beside Fastify hello-world driven the
 * same way, alternating, in the same run, at 20 connections:
 * - authenticated GET /v1/households/{id} (a household of three);
 * - POST /v1/eligibility/evaluations (RURAL_REWARD for one person);
 * - POST /v1/households (three persons, audited);
 * on PostgreSQL and on the embedded engine (the `npm start` default, data in a directory),
 * each request driven one round first, printed and not compared (warmUp in bench/http.ts).
 * Before the load, one GET is sent in-process with every statement it runs recorded,
 * and each statement is then run under EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/requests.ts [seconds] [postgres|embedded|both] [get,evaluate,create]
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { build } from '../src/app.js'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig } from '../src/config.js'
import { openDatabase, type Database } from '../src/db/database.js'
import type { DB } from '../src/db/types.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing } from '../src/domain/identity/acting.js'
import { createOfficer, issueToken } from '../src/domain/identity/service.js'
import { checkCharacter } from '../src/domain/registry/id-number.js'
import { cpuAccount, drive, residentMiB, startServer, UNLIMITED_TOKEN, warmUp, type Load } from './http.js'
import { benchDatabase, count, row } from './support.js'

const SECONDS = Number(process.argv[2] ?? 10)
const ENGINES = (process.argv[3] ?? 'both') === 'both' ? ['postgres', 'embedded'] as const : [process.argv[3] as 'postgres' | 'embedded']
const ONLY = process.argv[4]?.split(',')
const HOUSEHOLDS = 300
const VILLAGE = '420102.001.001'

/** A valid ID number for a birth date and sex; n (below 500,000) makes it distinct among those born that day. */
function idNumberFor (birthDate: string, sex: 'male' | 'female', n: number, area = '420102'): string {
  const sequence = n % 500
  const first16 = `${area}${birthDate.replaceAll('-', '')}${String(sequence % 100).padStart(2, '0')}`
  const first17 = `${first16}${(sex === 'male' ? 1 : 0) + 2 * Math.floor(sequence / 100)}`
  return `${first17}${checkCharacter(first17)}`
}

/** An old couple and their son; n picks the birth days and the sequence so that no two n share an ID number. */
function household (n: number) {
  const day = (base: string) => new Date(Date.parse(base) + Math.floor(n / 500) * 86_400_000).toISOString().slice(0, 10)
  const head = day('1940-01-01')
  const spouse = day('1942-03-01')
  const child = day('1970-06-01')
  return {
    regionCode: VILLAGE,
    hukouType: 'agricultural',
    address: `${n}号`,
    members: [
      { name: '张明', idNumber: idNumberFor(head, 'male', n), sex: 'male', birthDate: head, relationship: 'head' },
      { name: '李芳', idNumber: idNumberFor(spouse, 'female', n), sex: 'female', birthDate: spouse, relationship: 'spouse' },
      { name: '张强', idNumber: idNumberFor(child, 'male', n), sex: 'male', birthDate: child, relationship: 'child' },
    ],
  }
}

/** The district's village and a registrar with a token. */
async function seed (db: Kysely<DB>): Promise<string> {
  await sql`insert into regions (code, name, level, parent_code) values ('420102.001', '甲镇', 'township', '420102'), (${VILLAGE}, '甲村', 'village', '420102.001')`.execute(db)
  const system = systemActing('bench', '420102', systemClock())
  const registrar = await createOfficer(db, system, { name: '王登记', roles: ['registrar'], regionCode: '420102' })
  return (await issueToken(db, system, { kind: 'officer', id: registrar.id })).token
}

interface Target { url: string, token: string, households: string[], persons: string[], serverPid: number }

async function post (url: string, token: string, body: unknown): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (response.status >= 300) throw new Error(`${url} answered ${response.status}: ${await response.text()}`)
  return response.json()
}

/** Registers the households to read through the service itself. */
async function register (url: string, token: string, serverPid: number): Promise<Target> {
  const households: string[] = []
  const persons: string[] = []
  for (let n = 0; n < HOUSEHOLDS; n++) {
    const created = await post(`${url}/v1/households`, token, household(n))
    households.push(created.id)
    for (const member of created.members) persons.push(member.id)
  }
  return { url, token, households, persons, serverPid }
}

let written = 1_000_000
function requests (target: Target) {
  let next = 0
  const auth = { authorization: `Bearer ${target.token}` }
  const json = { ...auth, 'content-type': 'application/json' }
  return {
    get: () => drive({
      url: target.url, duration: SECONDS,
      requests: [{ method: 'GET', setupRequest: (request: any) => ({ ...request, path: `/v1/households/${target.households[next++ % target.households.length]}`, headers: auth }) }],
    }),
    evaluate: () => drive({
      url: target.url, duration: SECONDS,
      requests: [{
        method: 'POST',
        setupRequest: (request: any) => ({
          ...request, path: '/v1/eligibility/evaluations', headers: json,
          body: JSON.stringify({ programCode: 'RURAL_REWARD', personId: target.persons[next++ % target.persons.length], asOf: '2012-06-30' }),
        }),
      }],
    }),
    create: () => drive({
      url: target.url, duration: SECONDS,
      requests: [{ method: 'POST', setupRequest: (request: any) => ({ ...request, path: '/v1/households', headers: json, body: JSON.stringify(household(written++)) }) }],
    }),
  }
}

const shown = (load: Load, baseline: Load) =>
  `p50 ${load.p50} ms, p99 ${load.p99} ms, ${(load.requestsPerSecond / baseline.requestsPerSecond).toFixed(3)}× hello-world; non-2xx ${load.non2xx}`

async function measure (engine: string, target: Target, helloUrl: string): Promise<Record<string, number>> {
  const hello = () => drive({ url: helloUrl, duration: SECONDS })
  const load = requests(target)
  const figures: Record<string, number> = {}
  for (const [key, label, run, goal] of [
    ['get', 'GET /v1/households/{id}', load.get, 'target ≥ 5,000/s, p99 ≤ 15 ms, ≥ 0.2×'],
    ['evaluate', 'POST /v1/eligibility/evaluations', load.evaluate, 'target ≥ 2,000/s'],
    ['create', 'POST /v1/households (3 persons)', load.create, 'target ≥ 1,000/s, p99 ≤ 40 ms'],
  ] as const) {
    if (ONLY && !ONLY.includes(key)) continue
    await warmUp(`${engine} ${label}`, target.serverPid, run)
    for (let round = 1; round <= 2; round++) {
      const baseline = await hello()
      const account = await cpuAccount(target.serverPid)
      const measured = await run()
      const cpu = await account.end(measured.requests)
      row(`${engine} r${round}: hello-world`, `${count(Math.round(baseline.requestsPerSecond))}/s`, `p99 ${baseline.p99} ms`)
      row(`${engine} r${round}: ${label}`, `${count(Math.round(measured.requestsPerSecond))}/s`, `${shown(measured, baseline)} (${goal}); ${cpu}`)
      figures[label] = Math.max(figures[label] ?? 0, measured.requestsPerSecond)
    }
  }
  return figures
}

/** The statements one GET runs, recorded at the driver, each then timed under EXPLAIN ANALYZE. */
async function explainGet (database: Database, url: string, piiKey: string, token: string, householdId: string): Promise<void> {
  const config = loadConfig({ DATABASE_URL: url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', MIGRATE_ON_START: 'false' })
  const app = await build({ config, database, piiKey: Buffer.from(piiKey, 'base64') })
  const seen: Array<{ text: string, values: unknown[] }> = []
  const query = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: pg.Client, ...args: any[]) {
    const first = args[0]
    if (typeof first === 'string') seen.push({ text: first, values: Array.isArray(args[1]) ? args[1] : [] })
    else if (first?.text) seen.push({ text: first.text, values: first.values ?? [] })
    return (query as any).apply(this, args)
  } as any
  try {
    await app.inject({ method: 'GET', url: `/v1/households/${householdId}`, headers: { authorization: `Bearer ${token}` } })
    seen.length = 0
    const answer = await app.inject({ method: 'GET', url: `/v1/households/${householdId}`, headers: { authorization: `Bearer ${token}` } })
    if (answer.statusCode !== 200) throw new Error(`GET answered ${answer.statusCode}`)
  } finally {
    pg.Client.prototype.query = query
  }
  console.log(`one GET /v1/households/{id} runs ${seen.length} statement(s):`)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const statement of seen) {
      // The second run is shown: the first loads the session's catalogue caches.
      await client.query(`explain (analyze, buffers, format json) ${statement.text}`, statement.values)
      const plan = await client.query(`explain (analyze, buffers, format json) ${statement.text}`, statement.values)
      const top = (plan.rows[0] as any)['QUERY PLAN'][0]
      console.log(`  planning ${top['Planning Time'].toFixed(3)} ms, execution ${top['Execution Time'].toFixed(3)} ms, `
        + `shared hit ${top.Plan['Shared Hit Blocks']}: ${statement.text.replace(/\s+/g, ' ').slice(0, 120)}`)
      if (process.env.BENCH_PLANS) {
        const text = await client.query(`explain (analyze, buffers) ${statement.text}`, statement.values)
        for (const line of text.rows) console.log(`      ${line['QUERY PLAN']}`)
      }
    }
  } finally {
    await client.end()
  }
  await app.close().catch(() => {})
}

console.log(`bench/requests.ts — ${new Date().toISOString().slice(0, 10)}, ${count(HOUSEHOLDS)} households read, 20 connections, ${SECONDS} s rounds`)
const hello = await startServer('bench/hello-world.ts', {}, 'port')
const summary: Record<string, Record<string, number>> = {}
try {
  for (const engine of ENGINES) {
    const piiKey = randomBytes(32).toString('base64')
    if (engine === 'postgres') {
      const bench = await benchDatabase()
      try {
        const config = loadConfig({ DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0' })
        await prepareDatabase(bench.database, config)
        const token = await seed(bench.database.db)
        const service = await startServer('src/server.ts', {
          DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', MIGRATE_ON_START: 'false', DATABASE_POOL_SIZE: '20', ...UNLIMITED_TOKEN,
        }, 'health')
        try {
          const target = await register(service.url, token, service.pid)
          await sql`analyze`.execute(bench.database.db)
          const second = await openDatabase({ url: bench.url, poolSize: 2 })
          await explainGet(second, bench.url, piiKey, token, target.households[0]!)
          summary.postgres = await measure('pg', target, hello.url)
        } finally {
          await service.stop()
        }
      } finally {
        await bench.close()
      }
    } else {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'huimin-bench-'))
      try {
        const database = await openDatabase({ dataDir })
        await prepareDatabase(database, loadConfig({ DATA_DIR: dataDir, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0' }))
        const token = await seed(database.db)
        await database.close()
        const service = await startServer('src/server.ts', {
          DATABASE_URL: undefined, DATA_DIR: dataDir, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', ...UNLIMITED_TOKEN,
        }, 'health')
        try {
          row('embedded: server resident at rest, empty', `${(await residentMiB(service.pid)).toFixed(0)} MiB`, '(target ≤ 256 MiB)')
          const target = await register(service.url, token, service.pid)
          row(`embedded: server resident after ${count(HOUSEHOLDS)} households`, `${(await residentMiB(service.pid)).toFixed(0)} MiB`)
          summary.embedded = await measure('embedded', target, hello.url)
          row('embedded: server resident after the load', `${(await residentMiB(service.pid)).toFixed(0)} MiB`)
        } finally {
          await service.stop()
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true })
      }
    }
  }
} finally {
  await hello.stop()
}
if (summary.postgres && summary.embedded) {
  const get = 'GET /v1/households/{id}'
  row('embedded GET / PostgreSQL GET (best rounds)', `${(summary.embedded[get]! / summary.postgres[get]!).toFixed(2)}×`, '(target ≥ 0.7×)')
}
