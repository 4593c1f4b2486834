/**
 * Case transitions (DESIGN §10), on PostgreSQL:
 * - single transitions with their audit rows at 20 connections (target ≥ 1,000/s,
 *   p99 ≤ 40 ms), beside Fastify hello-world driven the same way in the same run, after
 *   one round printed and not compared (warmUp in bench/http.ts);
 * - one bulk transition of 10,000 cases with their audit rows (target ≤ 2 s), beside a
 *   bare UPDATE … FROM unnest of another 10,000 (target ≤ 3×).
 * The cases are active beneficiaries, suspended and resumed by a district confirmer:
 * each request is one step of the case machine with its audit row (the case's timeline entry).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/transitions.ts [seconds]
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing, type Acting } from '../src/domain/identity/acting.js'
import { createOfficer, issueToken } from '../src/domain/identity/service.js'
import { takeSteps } from '../src/domain/workflow/service.js'
import { cpuAccount, drive, startServer, UNLIMITED_TOKEN, warmUp } from './http.js'
import { benchDatabase, count, row, timed } from './support.js'

const SECONDS = Number(process.argv[2] ?? 10)
class RolledBack extends Error {}
const CONNECTIONS = 20
const CASES = 60_000
const BULK = 10_000

const bench = await benchDatabase()
try {
  const db = bench.database.db
  const piiKey = randomBytes(32).toString('base64')
  const config = loadConfig({ DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0' })
  await prepareDatabase(bench.database, config)
  const system = systemActing('bench', '420102', systemClock())
  const confirmer = await createOfficer(db, system, { name: '钱确认', roles: ['confirmer'], regionCode: '420102' })
  const { token } = await issueToken(db, system, { kind: 'officer', id: confirmer.id })

  // Active beneficiaries, one a household, made in bulk: the bench measures their steps, not their registration.
  await sql`
    insert into regions (code, name, level, parent_code) values ('420102.001', '甲镇', 'township', '420102'), ('420102.001.001', '甲村', 'village', '420102.001');
    insert into households (region_code, hukou_type, address) select '420102.001.001', 'agricultural', n::text from generate_series(1, ${sql.lit(CASES)}) n;
    insert into persons (household_id, name, id_number_cipher, id_number_key, id_number_index, id_number_masked, sex, birth_date, relationship)
      select id, '张明', '\\x00', 'bench', decode(md5(id::text), 'hex'), '420102********0000', 'male', '1940-01-01', 'head' from households;
    insert into cases (program_code, rule_version, person_id, status, registered_on, active_from)
      select 'RURAL_REWARD', 1, id, 'active', '2010-01-01', '2010-04-01' from persons;
    analyze;
  `.execute(db)
  const ids = (await db.selectFrom('cases').select('id').orderBy('id').execute()).map((each) => each.id)
  const bulkIds = ids.slice(0, BULK)
  const bareIds = ids.slice(BULK, 2 * BULK)
  const singleIds = ids.slice(2 * BULK)

  console.log(`bench/transitions.ts — ${new Date().toISOString().slice(0, 10)}, PostgreSQL, ${count(CASES)} active cases, ${CONNECTIONS} connections, ${SECONDS} s rounds`)

  // Bulk: one request's worth of work, through the service, beside the bare statement.
  const acting: Acting = {
    actor: { kind: 'officer', id: confirmer.id, name: confirmer.name, roles: ['confirmer'], regionCode: '420102', tokenId: '', programs: [] },
    role: 'confirmer', scope: '420102', requestId: 'bench', clock: systemClock(),
  }
  // Three rounds, alternating: the bare statement moves its cases to suspended and back,
  // the service suspends its cases and resumes them; the medians are compared.
  const bareRuns: number[] = []
  const bulkRuns: number[] = []
  for (let round = 0; round < 3; round++) {
    const status = round % 2 === 0 ? 'suspended' : 'active'
    bareRuns.push((await timed(() => sql`update cases as c set status = ${status} from unnest(${bareIds}::uuid[]) as moved (id) where c.id = moved.id`.execute(db))).seconds)
    const bulk = await timed(() => takeSteps(db, acting, round % 2 === 0
      ? { action: 'suspend', caseIds: bulkIds, reason: '年度核查' }
      : { action: 'resume', caseIds: bulkIds, reason: '核查完毕' }))
    if (bulk.result.succeeded.length !== BULK) throw new Error(`bulk: ${bulk.result.failed.length} failed: ${JSON.stringify(bulk.result.failed[0])}`)
    bulkRuns.push(bulk.seconds)
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!
  const auditRows = Number((await sql<{ n: string }>`select count(*) as n from audit_events where entity_type = 'case' and action in ('suspend', 'resume')`.execute(db)).rows[0]!.n)
  const runs = (values: number[]) => `runs ${values.map((each) => each.toFixed(3)).join(', ')}`
  row('bare UPDATE … FROM unnest of 10,000 cases (median of 3)', `${median(bareRuns).toFixed(3)} s`, runs(bareRuns))
  row('bulk step of 10,000 cases (audit rows, median of 3)', `${median(bulkRuns).toFixed(3)} s`,
    `${(median(bulkRuns) / median(bareRuns)).toFixed(1)}× bare; ${runs(bulkRuns)}; ${count(auditRows)} audit rows (target ≤ 2 s, ≤ 3×)`)
  // What the bulk must do at the least, each part a bare statement on the bare statement's
  // cases in one transaction, rolled back: lock them, update them, write 10,000 audit rows
  // (hashed by their trigger, as every audit row is; a case's timeline is its audit rows).
  const parts: Array<[string, number]> = []
  await db.transaction().execute(async (trx) => {
    const part = async (name: string, statement: Parameters<typeof timed>[0]) => { parts.push([name, (await timed(statement)).seconds]) }
    await part('lock', () => sql`select c.id from cases c where c.id = any(${bareIds}::uuid[]) for update`.execute(trx))
    await part('update', () => sql`update cases as c set status = 'active' from unnest(${bareIds}::uuid[]) as moved (id) where c.id = moved.id`.execute(trx))
    await part('audit rows', () => sql`
      insert into audit_events (entity_type, entity_id, action, from_status, to_status, actor_kind, actor_id, actor_name, actor_role, actor_region, region_code, reason, request_id, changes)
      select 'case', moved.id::text, 'resume', 'suspended', 'active', 'officer', ${confirmer.id}::uuid, ${confirmer.name}, 'confirmer', '420102', '420102.001.001', '核查完毕', 'bench',
             jsonb_build_object('programCode', 'RURAL_REWARD', 'personId', moved.id)
        from unnest(${bareIds}::uuid[]) as moved (id)`.execute(trx))
    throw new RolledBack()
  }).catch((error: unknown) => { if (!(error instanceof RolledBack)) throw error })
  const floor = parts.reduce((sum, [, seconds]) => sum + seconds, 0)
  row('the least a bulk step writes, bare, one run', `${floor.toFixed(3)} s`,
    `${(floor / median(bareRuns)).toFixed(1)}× the bare UPDATE; ${parts.map(([name, seconds]) => `${name} ${seconds.toFixed(3)}`).join(', ')}; the bulk step ${(median(bulkRuns) / floor).toFixed(2)}× it`)
  // The bulk cases end suspended, so the single transitions below meet none of them.

  // Single transitions over HTTP: each connection suspends and resumes its own cases in turn.
  const service = await startServer('src/server.ts', {
    DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', MIGRATE_ON_START: 'false', DATABASE_POOL_SIZE: '20', ...UNLIMITED_TOKEN,
  }, 'health')
  const hello = await startServer('bench/hello-world.ts', {}, 'port')
  try {
    const probe = await fetch(`${service.url}/v1/cases/${singleIds.at(-1)}/transitions`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'suspend', reason: '待核实' }),
    })
    if (probe.status !== 200) throw new Error(`a single transition answered ${probe.status}: ${await probe.text()}`)
    await fetch(`${service.url}/v1/cases/${singleIds.at(-1)}/transitions`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'resume', reason: '已核实' }),
    })
    // The cases are taken in turn, suspended on the first pass and resumed on the next: with
    // 40,000 cases and 20 requests in flight, no two requests meet on one case.
    let next = 0
    const transitions = () => drive({
      url: service.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [{
        method: 'POST',
        setupRequest: (request: any) => {
          const pass = Math.floor(next / singleIds.length)
          const id = singleIds[next++ % singleIds.length]
          return {
            ...request,
            path: `/v1/cases/${id}/transitions`,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(pass % 2 === 0 ? { action: 'suspend', reason: '待核实' } : { action: 'resume', reason: '已核实' }),
          }
        },
      }],
    })
    const helloWorld = () => drive({ url: hello.url, connections: CONNECTIONS, duration: SECONDS })
    await warmUp('POST /v1/cases/{id}/transitions', service.pid, transitions)
    for (let round = 1; round <= 2; round++) {
      const baseline = await helloWorld()
      const account = await cpuAccount(service.pid)
      const measured = await transitions()
      const cpu = await account.end(measured.requests)
      row(`round ${round}: Fastify hello-world`, `${count(Math.round(baseline.requestsPerSecond))}/s`, `p99 ${baseline.p99} ms`)
      row(`round ${round}: POST /v1/cases/{id}/transitions`, `${count(Math.round(measured.requestsPerSecond))}/s`,
        `p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${(measured.requestsPerSecond / baseline.requestsPerSecond).toFixed(3)}× hello-world; `
        + `non-2xx ${measured.non2xx} (target ≥ 1,000/s, p99 ≤ 40 ms); ${cpu}`)
    }
  } finally {
    await service.stop()
    await hello.stop()
  }
} finally {
  await bench.close()
}
