/**
 * The audit trail's numbers (DESIGN §10): verifying 1,000,000 rows (target ≤ 1.5 s),
 * what the hash chain costs writers, measured against the same table with the hashing
 * and sealing triggers switched off, in the same run; and the export of that trail,
 * streamed to a file (its peak memory), checked by the standalone verifier.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/audit.ts [rows]
 */
import { execFile } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../src/db/types.js'
import { openAuditExport } from '../src/domain/audit/export.js'
import { verifyAuditTrail } from '../src/domain/audit/verify.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing } from '../src/domain/identity/acting.js'
import { benchDatabase, count, row, timed } from './support.js'

const TOTAL_ROWS = Number(process.argv[2] ?? 1_000_000)
const BULK_ROWS = 200_000
const BULK_STATEMENT_ROWS = 10_000
const SINGLE_TRANSACTIONS = 4_000
const CLIENTS = 20

const CHAIN_TRIGGERS = ['audit_events_hash_row', 'audit_events_request_seal']

async function setChain (db: Kysely<DB>, on: boolean): Promise<void> {
  for (const trigger of CHAIN_TRIGGERS) {
    await sql.raw(`alter table audit_events ${on ? 'enable' : 'disable'} trigger ${trigger}`).execute(db)
  }
}

/** One statement of `rows` audit rows, as a bulk operation writes them: one transaction, one block. */
function bulkInsert (db: Kysely<DB>, rows: number, offset: number) {
  return sql`
    insert into audit_events (entity_type, entity_id, action, from_status, to_status, actor_kind, actor_id,
                              actor_name, actor_role, actor_region, region_code, request_id, changes, row_hash)
    select 'payment', g::text, 'create', null, 'pending', 'officer', '00000000-0000-4000-8000-000000000001',
           '财政员', 'finance_officer', '420102', '420102.' || lpad((g % 20)::text, 3, '0'), 'bench',
           jsonb_build_object('amount', '960.00', 'period', '2012'), '\\x00'
      from generate_series(${offset + 1}::bigint, ${offset + rows}::bigint) g
  `.execute(db)
}

/** One small transaction with one audit row, as a case transition writes it. */
function singleInsert (db: Kysely<DB>, n: number) {
  return db.transaction().execute((trx) => sql`
    insert into audit_events (entity_type, entity_id, action, from_status, to_status, actor_kind, actor_name,
                              actor_role, actor_region, region_code, request_id, row_hash)
    values ('case', ${String(n)}, 'review', 'village_notice', 'reviewed', 'officer', '审核员',
            'reviewer', '420102.001', '420102.001.001', 'bench', '\\x00')
  `.execute(trx))
}

async function bulkRate (db: Kysely<DB>, chained: boolean, offset: number): Promise<number> {
  await setChain(db, chained)
  const { seconds } = await timed(async () => {
    for (let done = 0; done < BULK_ROWS; done += BULK_STATEMENT_ROWS) await bulkInsert(db, BULK_STATEMENT_ROWS, offset + done)
  })
  await setChain(db, true)
  return BULK_ROWS / seconds
}

async function singleRate (db: Kysely<DB>, chained: boolean): Promise<number> {
  await setChain(db, chained)
  let next = 0
  const { seconds } = await timed(() => Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < SINGLE_TRANSACTIONS) await singleInsert(db, next++)
  })))
  await setChain(db, true)
  return SINGLE_TRANSACTIONS / seconds
}

/** The export streamed to a file, its peak memory sampled, then the standalone verifier on the file. */
async function exportAndCheck (db: Kysely<DB>): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'huimin-audit-bench-'))
  try {
    const file = path.join(folder, 'trail.ndjson')
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 20)
    const exported = await timed(async () => {
      const lines = await openAuditExport(db, systemActing('bench', '420102', systemClock()), undefined)
      await pipeline(Readable.from(lines), createWriteStream(file))
    })
    clearInterval(sampler)
    const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`
    row(`export as NDJSON (${mb((await stat(file)).size)})`, `${exported.seconds.toFixed(2)} s`, `peak RSS ${mb(peak)}, ${mb(before)} before`)
    const tool = fileURLToPath(new URL('../tools/verify-audit-export.mjs', import.meta.url))
    const offline = await timed(() => promisify(execFile)(process.execPath, ['--max-old-space-size=4096', tool, file], { maxBuffer: 1 << 20 }))
    row('the standalone verifier on that file', `${offline.seconds.toFixed(2)} s`, offline.result.stdout.trim().split('\n').pop())
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

const bench = await benchDatabase(CLIENTS)
try {
  const db = bench.database.db
  console.log(`audit trail on PostgreSQL, ${count(TOTAL_ROWS)} rows to verify\n`)

  // Write cost: the same rows with and without hashing and sealing, alternating to share the machine's noise.
  // The unchained rows are removed again before the trail is built, so verification sees only sealed rows.
  const bare = await bulkRate(db, false, 0)
  const chained = await bulkRate(db, true, BULK_ROWS)
  const bareSingle = await singleRate(db, false)
  const chainedSingle = await singleRate(db, true)
  row(`bulk, ${count(BULK_STATEMENT_ROWS)} rows a statement, without the chain`, `${count(Math.round(bare))} rows/s`)
  row(`bulk, ${count(BULK_STATEMENT_ROWS)} rows a statement, with the chain`, `${count(Math.round(chained))} rows/s`, `${(bare / chained).toFixed(2)}× the time`)
  row(`one row a transaction, ${CLIENTS} clients, without the chain`, `${count(Math.round(bareSingle))} tx/s`)
  row(`one row a transaction, ${CLIENTS} clients, with the chain`, `${count(Math.round(chainedSingle))} tx/s`, `${(bareSingle / chainedSingle).toFixed(2)}× the time`)

  await sql`alter table audit_events disable trigger user`.execute(db)
  await sql`delete from audit_events where row_hash = '\\x00'`.execute(db)
  await sql`alter table audit_events enable trigger user`.execute(db)

  // Build the trail to TOTAL_ROWS with sealed blocks of the bulk size, then verify it.
  const present = Number((await sql<{ n: number }>`select count(*) as n from audit_events`.execute(db)).rows[0]!.n)
  for (let done = present; done < TOTAL_ROWS; done += BULK_STATEMENT_ROWS * 5) {
    await bulkInsert(db, Math.min(BULK_STATEMENT_ROWS * 5, TOTAL_ROWS - done), 10_000_000 + done)
  }
  await sql`vacuum analyze audit_events`.execute(db)
  const { seconds, result } = await timed(() => verifyAuditTrail(db, { parallel: true }))
  if (!result.valid) throw new Error(`the trail did not verify: ${JSON.stringify(result.firstBroken)}`)
  row(`verify ${count(result.rowsChecked)} rows in ${count(result.blocksChecked)} blocks`, `${seconds.toFixed(2)} s`, 'target ≤ 1.5 s')
  const single = await timed(() => verifyAuditTrail(db))
  row('  the same on one session (as the embedded engine)', `${single.seconds.toFixed(2)} s`)
  await exportAndCheck(db)
} finally {
  await bench.close()
}
