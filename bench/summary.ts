/**
 * The yearly summary (DESIGN §10: over 1,000,000 payments ≤ 2 s), on PostgreSQL:
 * 250,000 beneficiaries in 100 villages, each paid for four years (2009–2012), the
 * district's summary of 2012 read through the service as GET /v1/reports/summary does.
 * Printed beside a bare count of the same payments in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/summary.ts [beneficiaries]
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { prepareDatabase } from '../src/bootstrap.js'
import { loadConfig } from '../src/config.js'
import { systemClock } from '../src/domain/clock/clock.js'
import { systemActing } from '../src/domain/identity/acting.js'
import { summarise } from '../src/domain/reports/service.js'
import { benchDatabase, count, row, timed } from './support.js'

const BENEFICIARIES = Number(process.argv[2] ?? 250_000)
const YEARS = [2009, 2010, 2011, 2012]

const bench = await benchDatabase()
try {
  const db = bench.database.db
  const config = loadConfig({ DATABASE_URL: bench.url, PII_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn', JOB_POLL_MS: '0' })
  await prepareDatabase(bench.database, config)
  const made = await timed(() => sql`
    insert into regions (code, name, level, parent_code)
      select '420102.' || lpad(t::text, 3, '0'), '镇' || t, 'township', '420102' from generate_series(1, 10) t;
    insert into regions (code, name, level, parent_code)
      select '420102.' || lpad(t::text, 3, '0') || '.' || lpad(v::text, 3, '0'), '村' || t || '-' || v, 'village', '420102.' || lpad(t::text, 3, '0')
        from generate_series(1, 10) t, generate_series(1, 10) v;
    insert into households (region_code, hukou_type, address)
      select '420102.' || lpad((n % 10 + 1)::text, 3, '0') || '.' || lpad((n / 10 % 10 + 1)::text, 3, '0'), 'agricultural', n::text
        from generate_series(0, ${sql.lit(BENEFICIARIES - 1)}) n;
    insert into persons (household_id, name, id_number_cipher, id_number_key, id_number_index, id_number_masked, sex, birth_date, relationship)
      select id, '张明', '\\x00', 'bench', decode(md5(id::text), 'hex'), '420102********0000', 'male', '1940-01-01', 'head' from households;
    insert into cases (program_code, rule_version, person_id, status, status_since, registered_on, active_from)
      select 'RURAL_REWARD', 1, id, 'active', '2009-01-05T09:00:00+08', '2008-11-01', '2009-01-05' from persons;
    insert into audit_events (occurred_at, entity_type, entity_id, action, from_status, to_status, actor_kind, actor_name, region_code)
      select '2008-11-01T09:00:00+08'::timestamptz, 'case', id::text, 'register', null, 'registered', 'system', 'bench', '420102' from cases
      union all
      select '2009-01-05T09:00:00+08'::timestamptz, 'case', id::text, 'activate', 'district_notice', 'active', 'system', 'bench', '420102' from cases;
    insert into payment_batches (program_code, rule_version, period, year, region_code, status, sources, created_by_name, created_at)
      select 'RURAL_REWARD', 1, y::text, y, '420102', 'reconciled', array['central', 'provincial', 'district'], 'bench', make_date(y, 3, 1)
        from unnest(array[${sql.raw(YEARS.join(", "))}]) y;
    insert into payments (batch_id, seq, case_id, person_id, program_code, period, region_code, status, amount_fen, shares_fen,
                          bank_account_id, bank_name, branch_code, account_number_cipher, account_number_key, account_number_masked, holder_name, settled_at)
      select b.id, row_number() over (partition by b.id order by c.id), c.id, c.person_id, 'RURAL_REWARD', b.period, h.region_code, 'paid',
             case when b.year >= 2012 then 96000 else 72000 end,
             case when b.year >= 2012 then array[48000, 28800, 19200]::bigint[] else array[36000, 21600, 14400]::bigint[] end,
             gen_random_uuid(), '农村信用社', '402521000032', '\\x00', 'bench', '6222****0001', '张明', make_timestamptz(b.year, 4, 1, 9, 0, 0, 'Asia/Shanghai')
        from payment_batches b cross join cases c join persons p on p.id = c.person_id join households h on h.id = p.household_id;
    analyze;
  `.execute(db))
  const payments = Number((await sql<{ n: string }>`select count(*) as n from payments`.execute(db)).rows[0]!.n)
  console.log(`bench/summary.ts — ${new Date().toISOString().slice(0, 10)}, PostgreSQL, ${count(BENEFICIARIES)} beneficiaries, ${count(payments)} payments (made in ${made.seconds.toFixed(1)} s)`)
  const acting = systemActing('bench', '420102', systemClock())
  for (let round = 1; round <= 3; round++) {
    const bare = await timed(() => sql`select count(*), sum(amount_fen) from payments where status = 'paid'`.execute(db))
    const summary = await timed(() => summarise(db, acting, { year: 2012 }))
    const rural = summary.result.programs.find((program) => program.programCode === 'RURAL_REWARD')!
    row(`round ${round}: bare count and sum of the payments`, `${bare.seconds.toFixed(3)} s`)
    row(`round ${round}: the 2012 summary of the district`, `${summary.seconds.toFixed(3)} s`,
      `${(summary.seconds / bare.seconds).toFixed(1)}× bare; paid ${count(rural.paidThisYear.count)} this year, ${count(rural.paidCumulative.count)} so far (target ≤ 2 s)`)
  }
} finally {
  await bench.close()
}
