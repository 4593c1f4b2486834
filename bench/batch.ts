/**
 * Money out (DESIGN §10), on PostgreSQL:
 * - a batch of 1,000,000 payments made by the service, audit rows included (target
 *   ≤ 15 s), beside a bare INSERT … SELECT of the same rows into the same table in the
 *   same run (target ≤ 3×);
 * - its pain.001.001.10 file streamed by the running service over HTTP, with the
 *   server's peak resident memory (target ≤ 256 MB), the file's size, and the time
 *   xmllint (libxml2, the library the service runs as WebAssembly) takes to validate it
 *   against the official schema in streaming mode (apt-get install libxml2-utils).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/batch.ts [payments]
 */
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { build } from '../src/app.js'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { paymentId } from '../src/domain/disbursement/generate.js'
import { requestBatch, takeBatchStep } from '../src/domain/disbursement/service.js'
import { systemActing, type Acting } from '../src/domain/identity/acting.js'
import { createOfficer, issueToken } from '../src/domain/identity/service.js'
import { PiiVault } from '../src/domain/registry/pii.js'
import { benchDatabase, count, row, SERVICE_NODE_FLAGS, timed } from './support.js'

const PAYMENTS = Number(process.argv[2] ?? 1_000_000)
const VILLAGES = 100
const DEBTOR = { DEBTOR_NAME: '江岸区财政局', DEBTOR_ACCOUNT: '110000000000000000001', DEBTOR_BANK_CODE: '102100099996' }

const bench = await benchDatabase()
const dir = await mkdtemp(path.join(tmpdir(), 'huimin-bench-'))
try {
  const db = bench.database.db
  const piiKey = randomBytes(32).toString('base64')
  const config = loadConfig({ DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', ...DEBTOR })
  await prepareDatabase(bench.database, config)
  const app = await build({ config, database: bench.database })
  const system = systemActing('bench', '420102', systemClock())
  const officer = await createOfficer(db, system, { name: '孙出纳', roles: ['finance_officer'], regionCode: '420102' })
  const approver = await createOfficer(db, system, { name: '吴审批', roles: ['finance_approver'], regionCode: '420102' })
  const acting = (who: typeof officer, role: 'finance_officer' | 'finance_approver'): Acting => ({
    actor: { kind: 'officer', id: who.id, name: who.name, roles: [role], regionCode: '420102', tokenId: '', programs: [] },
    role, scope: '420102', requestId: 'bench', clock: systemClock(),
  })

  // Active RURAL_REWARD beneficiaries, one a household, each with an account, made set-based:
  // the bench measures the batch, not the registry. Every account holds the same ciphertext.
  const cipher = new PiiVault(Buffer.from(piiKey, 'base64')).encrypt('6222020200001234567')
  const keyId = new PiiVault(Buffer.from(piiKey, 'base64')).keyId
  const setup = await timed(async () => {
    await sql`
    insert into regions (code, name, level, parent_code) values ('420102.001', '甲镇', 'township', '420102');
    insert into regions (code, name, level, parent_code)
      select '420102.001.' || lpad(v::text, 3, '0'), '村' || v, 'village', '420102.001' from generate_series(1, ${sql.lit(VILLAGES)}) v;
    insert into households (region_code, hukou_type, address)
      select '420102.001.' || lpad((n % ${sql.lit(VILLAGES)} + 1)::text, 3, '0'), 'agricultural', n::text from generate_series(1, ${sql.lit(PAYMENTS)}) n;
    insert into persons (household_id, name, id_number_cipher, id_number_key, id_number_index, id_number_masked, sex, birth_date, relationship)
      select id, '张明', '\\x00', 'bench', decode(md5(id::text), 'hex'), '420102********0000', 'male', '1945-01-01', 'head' from households;
    insert into cases (program_code, rule_version, person_id, status, registered_on, active_from)
      select 'RURAL_REWARD', 1, id, 'active', '2010-01-01', '2010-04-01' from persons;
    `.execute(db)
    await sql`
    insert into bank_accounts (person_id, bank_name, branch_code, account_number_cipher, account_number_key, account_number_masked, holder_name)
      select id, '湖北省农村信用社', '402521000032', ${cipher}, ${keyId}, '***************4567', '张明' from persons
    `.execute(db)
    await sql`
    insert into fund_allocations (program_code, year, source, amount_fen, region_code, created_at)
      select 'RURAL_REWARD', 2010, source, 1000000000000, '420102', now() from unnest(array['central', 'provincial', 'district']) source;
    analyze;
  `.execute(db)
  })
  console.log(`bench/batch.ts — ${new Date().toISOString().slice(0, 10)}, PostgreSQL, ${count(PAYMENTS)} active RURAL_REWARD beneficiaries with accounts `
    + `(made in ${setup.seconds.toFixed(1)} s)\n`)

  // Baseline: the same rows, bare — amounts and split as constants, no eligibility amounts, no audit.
  const bareBatch = await db.insertInto('payment_batches').values({
    program_code: 'RURAL_REWARD', rule_version: 1, period: '2010', year: 2010, region_code: '420102', sources: ['central', 'provincial', 'district'],
    created_by_name: 'bench', created_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow()
  const bare = await timed(() => sql`
    insert into payments (id, batch_id, seq, case_id, person_id, program_code, period, region_code, amount_fen, shares_fen,
                          bank_account_id, bank_name, branch_code, account_number_cipher, account_number_key, account_number_masked, holder_name)
    select ${paymentId(bareBatch.id, sql`row_number() over (order by h.region_code, p.id)`)}, ${bareBatch.id}::uuid, row_number() over (order by h.region_code, p.id), c.id, c.person_id, 'RURAL_REWARD', '2010', h.region_code,
           72000, array[36000, 21600, 14400]::bigint[], b.id, b.bank_name, b.branch_code, b.account_number_cipher, b.account_number_key,
           b.account_number_masked, b.holder_name
      from cases c join persons p on p.id = c.person_id join households h on h.id = p.household_id
      join bank_accounts b on b.person_id = p.id and b.active
     where c.program_code = 'RURAL_REWARD' and c.status = 'active'
  `.execute(db))
  await sql`delete from payments`.execute(db)
  await sql`delete from payment_batches`.execute(db)
  await sql`vacuum analyze payments`.execute(db)

  // The service: the job a POST /v1/payment-batches queues, as the runner runs it.
  const made = await timed(async () => {
    const job = await requestBatch(db, acting(officer, 'finance_officer'), { programCode: 'RURAL_REWARD', period: '2010' })
    await app.jobs.runPending()
    return db.selectFrom('jobs').select(['status', 'result', 'error']).where('id', '=', job.id).executeTakeFirstOrThrow()
  })
  const result = made.result.result as { batchId: string, count: number, total: string } | null
  if (made.result.status !== 'succeeded' || result?.count !== PAYMENTS) throw new Error(`the batch job: ${JSON.stringify(made.result)}`)
  const audited = Number((await sql<{ n: string }>`select count(*) as n from audit_events where entity_type = 'payment' and action = 'create'`.execute(db)).rows[0]!.n)
  row(`bare INSERT … SELECT of ${count(PAYMENTS)} payments`, `${bare.seconds.toFixed(2)} s`)
  row(`batch job: ${count(PAYMENTS)} payments with audit rows`, `${made.seconds.toFixed(2)} s`,
    `${(made.seconds / bare.seconds).toFixed(2)}× bare; ${count(audited)} audit rows; ${result.total} yuan (target ≤ 15 s, ≤ 3×)`)

  await takeBatchStep(db, acting(officer, 'finance_officer'), result.batchId, { action: 'submit' })
  await takeBatchStep(db, acting(approver, 'finance_approver'), result.batchId, { action: 'approve' })

  // The pain.001, streamed by the service in its own process — compiled, as the container
  // runs it (tsx's own compiler would weigh on the memory measured) — written to a file.
  const { token } = await issueToken(db, system, { kind: 'officer', id: officer.id })
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'])
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const server = spawn(process.execPath, [...SERVICE_NODE_FLAGS, 'dist/src/server.js'], {
    env: { ...process.env, ...DEBTOR, DATABASE_URL: bench.url, PII_KEY: piiKey, LOG_LEVEL: 'warn', JOB_POLL_MS: '0', MIGRATE_ON_START: 'false', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    const url = `http://127.0.0.1:${port}`
    for (let attempt = 0; (await fetch(`${url}/health/ready`).then((r) => r.status, () => 0)) !== 200; attempt++) {
      if (attempt > 600) throw new Error('the service did not become ready')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const memory = async (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(await readFile(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024
    const atRest = await memory('VmRSS')
    let peak = atRest
    const sampler = setInterval(() => { void memory('VmRSS').then((rss) => { peak = Math.max(peak, rss) }, () => undefined) }, 20)
    const file = path.join(dir, 'pain001.xml')
    const written = await timed(async () => {
      const response = await fetch(`${url}/v1/payment-batches/${result.batchId}/pain001`, { headers: { authorization: `Bearer ${token}` } })
      if (response.status !== 200) throw new Error(`pain001: ${response.status} ${await response.text()}`)
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file))
    })
    clearInterval(sampler)
    const size = (await stat(file)).size
    row(`pain.001 of ${count(PAYMENTS)} payments, streamed over HTTP`, `${written.seconds.toFixed(2)} s`,
      `${(size / 1e6).toFixed(0)} MB; the server's RSS ${atRest.toFixed(0)} MB at rest, ${peak.toFixed(0)} MB at its peak while streaming `
      + `(high-water mark since start ${(await memory('VmHWM')).toFixed(0)} MB) (target ≤ 256 MB)`)
    const xsd = path.resolve('schemas/iso20022/pain.001.001.10.xsd')
    const validated = await timed(() => promisify(execFile)('xmllint', ['--stream', '--noout', '--schema', xsd, file], { maxBuffer: 1 << 20 })
      .then(({ stderr }) => stderr.trim(), (error: { code?: string, stderr?: string }) => error.code === 'ENOENT' ? 'xmllint is not installed (apt-get install libxml2-utils)' : `INVALID: ${error.stderr?.slice(0, 500)}`))
    row('its validation against pain.001.001.10.xsd (xmllint --stream)', `${validated.seconds.toFixed(2)} s`, validated.result)
  } finally {
    server.kill('SIGTERM')
    if (server.exitCode === null) await once(server, 'exit')
  }
  await app.close()
} finally {
  await rm(dir, { recursive: true, force: true })
  await bench.close()
}
