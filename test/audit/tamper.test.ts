import { sql, type Transaction } from 'kysely'
import t from 'tap'
import { build } from '../../src/app.js'
import type { DB } from '../../src/db/types.js'
import { recordAudit } from '../../src/domain/audit/record.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { systemClock } from '../../src/domain/clock/clock.js'
import { systemActing } from '../../src/domain/identity/acting.js'
import { apiOf, districtAdmin, testConfig, testDatabase } from '../helper.js'
import { answersAfter, asSuperuser, exportText, runVerifier, scratch } from './support.js'

// One trail: single-row transactions (regions made through the API) and two
// transactions of three rows each, then a last region. Each case tampers with it inside
// a transaction that is rolled back, as a database superuser would (triggers off), and
// asks both the service's verification and the standalone verifier, on the export of
// the tampered trail: they must give the same answer, and the expected one.
const config = testConfig()
const { database } = await testDatabase(t, config)
const app = await build({ config, database })
t.teardown(() => app.close())
const db = database.db
const admin = await districtAdmin(database, config)
const api = apiOf(app)
const write = await scratch(t)

const township = (n: string) => api.call(admin, 'POST', '/v1/regions', { code: `420102.${n}`, name: `镇${n}`, level: 'township', parentCode: '420102' })
for (const n of ['001', '002', '003']) await township(n)
for (const batch of ['m', 'n']) {
  await db.transaction().execute((trx) => recordAudit(trx, systemActing('test', '420102', systemClock()),
    ...[1, 2, 3].map((i) => ({ entityType: 'region' as const, entityId: `${batch}${i}`, action: 'update', regionCode: `420102.00${i}`, reason: `第${i}次` }))))
}
await township('004')

const seqOf = async (entityId: string) =>
  (await db.selectFrom('audit_events').select('seq').where('entity_id', '=', entityId).executeTakeFirstOrThrow()).seq
const blockOf = (seq: number) => db.selectFrom('audit_blocks').selectAll().where('first_seq', '<=', seq).where('last_seq', '>=', seq)
  .where('txid', '=', (eb) => eb.selectFrom('audit_events').select('txid').where('seq', '=', seq)).executeTakeFirstOrThrow()
const [m1, m2, m3, n1] = await Promise.all(['m1', 'm2', 'm3', 'n1'].map(seqOf)) as [number, number, number, number]
const M = await blockOf(m1)
const N = await blockOf(n1)
const next = await db.selectFrom('audit_blocks').selectAll().where('lane', '=', M.lane).where('lane_seq', '=', M.lane_seq + 1).executeTakeFirstOrThrow()
const last = await db.selectFrom('audit_blocks').selectAll().orderBy('first_seq', 'desc').limit(1).executeTakeFirstOrThrow()
const beforeLast = await db.selectFrom('audit_blocks').selectAll().where('lane', '=', last.lane).where('lane_seq', '=', last.lane_seq - 1).executeTakeFirstOrThrow()

const rehash = (where: ReturnType<typeof sql>) => sql`update audit_events e set row_hash = audit_row_hash_of(e) where ${where}`

interface Case {
  name: string
  tamper: (trx: Transaction<DB>) => Promise<void>
  expected: { problem: string, seq: number | null, lane?: number | null, detail?: RegExp }
}

const cases: Case[] = [
  {
    name: 'a row\'s content altered',
    tamper: (trx) => asSuperuser(trx, sql`update audit_events set reason = 'backdated' where seq = ${m2}`),
    expected: { problem: 'row_altered', seq: m2, lane: null },
  },
  {
    name: 'a row altered and its hash recomputed is named, not its block\'s first row',
    tamper: (trx) => asSuperuser(trx, sql`update audit_events set reason = 'backdated' where seq = ${m2}`, rehash(sql`seq = ${m2}`)),
    expected: { problem: 'row_altered', seq: m2, lane: M.lane, detail: /rewritten after it was sealed/ },
  },
  {
    name: 'a row deleted',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_events where seq = ${m2}`),
    expected: { problem: 'rows_missing', seq: m2, lane: M.lane, detail: new RegExp(`row ${m2} was removed`) },
  },
  {
    name: 'the first row of a block deleted',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_events where seq = ${m1}`),
    expected: { problem: 'rows_missing', seq: m1, lane: M.lane },
  },
  {
    name: 'the last row of a block deleted',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_events where seq = ${m3}`),
    expected: { problem: 'rows_missing', seq: m3, lane: M.lane },
  },
  {
    name: 'every row of a block deleted',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_events where txid = ${N.txid}::xid8`),
    expected: { problem: 'rows_missing', seq: n1, lane: N.lane },
  },
  {
    name: 'a row moved to another transaction',
    tamper: (trx) => asSuperuser(trx, sql`update audit_events set txid = ${N.txid}::xid8 where seq = ${m2}`),
    expected: { problem: 'row_altered', seq: m2, lane: null },
  },
  {
    name: 'a row moved to another transaction, its hash recomputed, is named where it was',
    tamper: (trx) => asSuperuser(trx, sql`update audit_events set txid = ${N.txid}::xid8 where seq = ${m2}`, rehash(sql`seq = ${m2}`)),
    expected: { problem: 'rows_missing', seq: m2, lane: M.lane, detail: /moved/ },
  },
  {
    name: 'a row renumbered',
    tamper: (trx) => asSuperuser(trx,
      sql`insert into audit_events overriding system value select seq + 1000, txid, occurred_at, entity_type, entity_id, action, from_status, to_status,
          actor_kind, actor_id, actor_name, actor_role, actor_region, region_code, reason, request_id, changes, row_hash, hash_version
          from audit_events where seq = ${m2}`,
      sql`delete from audit_events where seq = ${m2}`),
    expected: { problem: 'block_mismatch', seq: m2, lane: M.lane },
  },
  {
    name: 'a row slipped in around the audit mechanism',
    tamper: (trx) => asSuperuser(trx,
      sql`insert into audit_events (entity_type, entity_id, action, actor_kind, actor_name, region_code, row_hash)
          values ('officer', 'ghost', 'create', 'system', 'nobody', '420102', '\\x00')`,
      rehash(sql`entity_id = 'ghost'`)),
    expected: { problem: 'row_unsealed', seq: null, lane: null },
  },
  {
    name: 'a row forged into a sealed transaction',
    tamper: (trx) => asSuperuser(trx,
      sql`insert into audit_events (txid, entity_type, entity_id, action, actor_kind, actor_name, region_code, row_hash)
          values (${M.txid}::xid8, 'officer', 'ghost', 'create', 'system', 'nobody', '420102', '\\x00')`,
      rehash(sql`entity_id = 'ghost'`)),
    expected: { problem: 'row_unsealed', seq: null, lane: M.lane, detail: /added after the block was sealed/ },
  },
  {
    name: 'a row\'s hash format changed',
    tamper: (trx) => asSuperuser(trx, sql`update audit_events set hash_version = 1 where seq = ${m2}`),
    expected: { problem: 'row_altered', seq: m2, lane: null },
  },
  {
    name: 'a block removed',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_blocks where txid = ${M.txid}::xid8`),
    expected: { problem: 'row_unsealed', seq: m1, lane: null },
  },
  {
    name: 'a block removed with its rows',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_blocks where txid = ${M.txid}::xid8`, sql`delete from audit_events where txid = ${M.txid}::xid8`),
    expected: { problem: 'chain_broken', seq: next.first_seq, lane: M.lane, detail: /does not follow/ },
  },
  {
    name: 'two blocks swapped on their lane',
    tamper: (trx) => asSuperuser(trx,
      sql`update audit_blocks set lane_seq = -1 where txid = ${M.txid}::xid8`,
      sql`update audit_blocks set lane_seq = ${M.lane_seq} where txid = ${next.txid}::xid8`,
      sql`update audit_blocks set lane_seq = ${next.lane_seq} where txid = ${M.txid}::xid8`),
    expected: { problem: 'chain_broken', seq: m1, lane: M.lane },
  },
  {
    name: 'two blocks\' transactions swapped',
    tamper: (trx) => asSuperuser(trx,
      sql`update audit_blocks set txid = '1'::xid8 where txid = ${M.txid}::xid8`,
      sql`update audit_blocks set txid = ${M.txid}::xid8 where txid = ${N.txid}::xid8`,
      sql`update audit_blocks set txid = ${N.txid}::xid8 where txid = '1'::xid8`),
    expected: { problem: 'chain_broken', seq: Math.min(m1, n1), lane: M.lane, detail: /does not match its own hash/ },
  },
  {
    name: 'a block\'s row count altered',
    tamper: (trx) => asSuperuser(trx, sql`update audit_blocks set row_count = row_count + 1 where txid = ${M.txid}::xid8`),
    expected: { problem: 'chain_broken', seq: m1, lane: M.lane, detail: /does not match its own hash/ },
  },
  {
    name: 'a block\'s sealed hashes rewritten to match a rewritten row',
    tamper: (trx) => asSuperuser(trx,
      sql`update audit_events set reason = 'backdated' where seq = ${m2}`, rehash(sql`seq = ${m2}`),
      sql`update audit_blocks set row_hashes = (select string_agg(row_hash, ''::bytea order by seq) from audit_events where txid = ${M.txid}::xid8)
          where txid = ${M.txid}::xid8`),
    expected: { problem: 'chain_broken', seq: m1, lane: M.lane },
  },
  {
    name: 'a lane\'s head hash altered',
    tamper: (trx) => asSuperuser(trx, sql`update audit_lanes set head_hash = sha256(head_hash) where lane = ${last.lane}`),
    expected: { problem: 'head_mismatch', seq: null, lane: last.lane, detail: /the head was altered/ },
  },
  {
    name: 'a lane\'s head count raised',
    tamper: (trx) => asSuperuser(trx, sql`update audit_lanes set block_count = block_count + 1 where lane = ${last.lane}`),
    expected: { problem: 'head_mismatch', seq: null, lane: last.lane, detail: /removed from its end, or its head was altered/ },
  },
  {
    name: 'the end of a lane cut off',
    tamper: (trx) => asSuperuser(trx, sql`delete from audit_blocks where txid = ${last.txid}::xid8`, sql`delete from audit_events where txid = ${last.txid}::xid8`),
    expected: { problem: 'head_mismatch', seq: null, lane: last.lane, detail: /removed from its end/ },
  },
  {
    name: 'a lane\'s head set back',
    tamper: (trx) => asSuperuser(trx, sql`update audit_lanes set block_count = ${beforeLast.lane_seq}, head_hash = ${beforeLast.hash} where lane = ${last.lane}`),
    expected: { problem: 'head_mismatch', seq: null, lane: last.lane, detail: /set back/ },
  },
]

t.test('the untouched trail: both say valid', async (t) => {
  const service = await verifyAuditTrail(db)
  t.match(service, { valid: true, firstBroken: null })
  const tool = await runVerifier(await write('intact.ndjson', await exportText(db)))
  t.equal(tool.code, 0, tool.stderr)
  t.same(tool.result, service)
})

for (const each of cases) {
  t.test(each.name, async (t) => {
    const { service, tool } = await answersAfter(db, write, each.name, each.tamper)
    t.equal(service.valid, false)
    const { detail, seq, ...rest } = each.expected
    t.match(service.firstBroken, rest)
    if (seq !== null) t.equal(service.firstBroken?.seq, seq, 'names the row')
    if (detail) t.match(service.firstBroken?.detail, detail)
    t.equal(tool.code, 1, tool.stderr)
    t.same(tool.result, service, 'the standalone verifier gives the same answer')
  })
}

t.test('blocks are written and lane heads moved by the seal alone', async (t) => {
  for (const statement of [
    sql`update audit_lanes set block_count = 0, head_hash = decode(repeat('00', 32), 'hex') where lane = ${last.lane}`,
    sql`update audit_lanes set head_hash = sha256(head_hash)`,
    sql`insert into audit_lanes (lane) values (32)`,
    sql`delete from audit_lanes where lane = 31`,
    sql`truncate audit_lanes cascade`,
    sql`insert into audit_blocks (txid, lane, lane_seq, first_seq, last_seq, row_count, rows_digest, prev_hash, hash)
        values ('1'::xid8, 31, 1, 1, 1, 1, '\\x00', decode(repeat('00', 32), 'hex'), '\\x00')`,
  ]) {
    await t.rejects(statement.execute(db), /audit_lanes|audit seal|append-only/, statement.compile(db).sql)
  }
  t.ok((await verifyAuditTrail(db)).valid)
})

t.test('the endpoint and the service function agree', async (t) => {
  t.same((await api.call(admin, 'GET', '/v1/audit/verify')).body, await verifyAuditTrail(db))
})
