/**
 * Partner verification (DESIGN §10), on PostgreSQL: GET /v1/verifications at 20
 * connections, each answer audited (target ≥ 3,000/s, p99 ≤ 20 ms), beside Fastify
 * hello-world driven the same way in the same run. Four partner systems share the load,
 * each under its registered rate (the largest a registration takes is 100,000 a minute).
 * Half the questions are about beneficiaries, half about ID numbers nobody holds. The
 * service is driven one round first, printed and not compared (warmUp in bench/http.ts).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/verify.ts [seconds]
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing } from '../src/domain/identity/acting.js'
import { createPartner, issueToken } from '../src/domain/identity/service.js'
import { checkCharacter } from '../src/domain/registry/id-number.js'
import { PiiVault } from '../src/domain/registry/pii.js'
import { cpuAccount, drive, startServer, warmUp } from './http.js'
import { benchDatabase, count, row } from './support.js'

const SECONDS = Number(process.argv[2] ?? 10)
const PERSONS = 20_000
const PARTNERS = 4

/** A distinct ID number for each n (below 3,650,000): born on one of 3,650 days from 1940, sequence n / 3,650, in the given area. */
function idNumber (n: number, area = '420102'): string {
  const born = new Date(Date.UTC(1940, 0, 1) + (n % 3650) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
  const first17 = `${area}${born}${String(Math.floor(n / 3650)).padStart(3, '0')}`
  return `${first17}${checkCharacter(first17)}`
}

const bench = await benchDatabase()
try {
  const db = bench.database.db
  const piiKey = randomBytes(32).toString('base64')
  const vault = new PiiVault(Buffer.from(piiKey, 'base64'))
  const config = loadConfig({ DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0' })
  await prepareDatabase(bench.database, config)
  const system = systemActing('bench', '420102', systemClock())
  const tokens: string[] = []
  for (let index = 0; index < PARTNERS; index++) {
    const partner = await createPartner(db, system, { name: `教育局系统${index}`, department: '教育局', programs: ['RURAL_REWARD'], rateLimitPerMinute: 100_000 })
    tokens.push((await issueToken(db, system, { kind: 'partner', id: partner.id })).token)
  }

  // Beneficiaries with distinct ID numbers, one a household, each with an active case.
  const numbers = Array.from({ length: PERSONS }, (_, n) => idNumber(n))
  await sql`
    insert into regions (code, name, level, parent_code) values ('420102.001', '甲镇', 'township', '420102'), ('420102.001.001', '甲村', 'village', '420102.001');
    insert into households (region_code, hukou_type, address) select '420102.001.001', 'agricultural', n::text from generate_series(1, ${sql.lit(numbers.length)}) n;
  `.execute(db)
  const households = (await db.selectFrom('households').select('id').orderBy('id').execute()).map((each) => each.id)
  await sql`
    insert into persons (household_id, name, id_number_cipher, id_number_key, id_number_index, id_number_masked, sex, birth_date, relationship)
    select household, '张明', '\\x00', ${vault.keyId}, decode(index, 'hex'), '420102********0000', 'male', '1940-01-01', 'head'
      from unnest(${households}::uuid[], ${numbers.map((value) => vault.blindIndex(value).toString('hex'))}::text[]) as rows (household, index)
  `.execute(db)
  await sql`
    insert into cases (program_code, rule_version, person_id, status, registered_on, active_from)
      select 'RURAL_REWARD', 1, id, 'active', '2010-01-01', '2010-04-01' from persons;
    analyze;
  `.execute(db)

  console.log(`bench/verify.ts — ${new Date().toISOString().slice(0, 10)}, PostgreSQL, ${count(numbers.length)} beneficiaries, ${PARTNERS} partners, 20 connections, ${SECONDS} s rounds`)
  const service = await startServer('src/server.ts', {
    DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', MIGRATE_ON_START: 'false', DATABASE_POOL_SIZE: '20',
  }, 'health')
  const hello = await startServer('bench/hello-world.ts', {}, 'port')
  try {
    let next = 0
    const verifications = () => drive({
      url: service.url,
      duration: SECONDS,
      requests: [{
        method: 'GET',
        setupRequest: (request: any) => {
          const n = next++
          // Even questions ask about a beneficiary, odd ones about a number nobody holds.
          const asked = n % 2 === 0 ? numbers[(n / 2) % numbers.length]! : idNumber(n % 3_000_000, '420103')
          return {
            ...request,
            path: `/v1/verifications?idNumber=${asked}&benefit=RURAL_REWARD&purpose=bench`,
            headers: { authorization: `Bearer ${tokens[n % PARTNERS]}` },
          }
        },
      }],
    })
    const helloWorld = () => drive({ url: hello.url, duration: SECONDS })
    await warmUp('GET /v1/verifications', service.pid, verifications)
    for (let round = 1; round <= 2; round++) {
      const before = Number((await sql<{ n: string }>`select count(*) as n from audit_events where entity_type = 'verification'`.execute(db)).rows[0]!.n)
      const baseline = await helloWorld()
      const account = await cpuAccount(service.pid)
      const measured = await verifications()
      const cpu = await account.end(measured.requests)
      const audited = Number((await sql<{ n: string }>`select count(*) as n from audit_events where entity_type = 'verification'`.execute(db)).rows[0]!.n) - before
      row(`round ${round}: Fastify hello-world`, `${count(Math.round(baseline.requestsPerSecond))}/s`, `p99 ${baseline.p99} ms`)
      row(`round ${round}: GET /v1/verifications`, `${count(Math.round(measured.requestsPerSecond))}/s`,
        `p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${(measured.requestsPerSecond / baseline.requestsPerSecond).toFixed(3)}× hello-world; `
        + `non-2xx ${measured.non2xx}; ${count(audited)} audit rows (target ≥ 3,000/s, p99 ≤ 20 ms); ${cpu}`)
    }
  } finally {
    await service.stop()
    await hello.stop()
  }
} finally {
  await bench.close()
}
