import { sql } from 'kysely'
import t from 'tap'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { parseHead } from '../../src/domain/audit/head.js'
import { regionWorld } from '../helper.js'
import { asSuperuser, runVerifier, scratch } from './support.js'

const world = await regionWorld(t)
const { api, admin, app } = world
const db = world.database.db
const write = await scratch(t)
const districtAuditor = await world.officer(['auditor'], world.district, '区审计员')
const townAuditor = await world.officer(['auditor'], world.townA, '镇审计员')
await world.officer(['registrar'], world.villageB, '乙村登记员')

const exportAs = async (token: string, query = '') => {
  const response = await app.inject({ method: 'GET', url: `/v1/audit/export${query}`, headers: { authorization: `Bearer ${token}` } })
  const lines = response.body.trim().split('\n').map((line) => JSON.parse(line))
  return { response, lines, body: response.body }
}
const ofType = (lines: Array<{ type: string }>, type: string) => lines.filter((line) => line.type === type) as any[]

t.test('a district auditor exports the whole trail as NDJSON, which verifies offline', async (t) => {
  const { response, lines, body } = await exportAs(districtAuditor.token)
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^application\/x-ndjson/)
  t.equal(response.headers['cache-control'], 'no-store')
  t.match(lines[0], { type: 'trail', format: 'huimin-audit-export/1', scope: world.district, since: null })
  const counts = (await sql<{ rows: number, blocks: number }>`
    select (select count(*) from audit_events) as rows, (select count(*) from audit_blocks) as blocks`.execute(db)).rows[0]!
  t.equal(ofType(lines, 'row').length, counts.rows)
  t.equal(ofType(lines, 'block').length, counts.blocks)
  t.same(ofType(lines, 'lane').map((lane) => lane.lane), Array.from({ length: 32 }, (_, lane) => lane))
  t.same(lines[lines.length - 1], { type: 'end', rows: counts.rows, blocks: counts.blocks, lanes: 32 })
  t.notOk(ofType(lines, 'row').some((row) => row.withheld), 'every row whole')
  const tool = await runVerifier(await write('district.ndjson', body))
  t.equal(tool.code, 0, tool.stderr)
  t.same(tool.result, await verifyAuditTrail(db), 'the same answer as the service')
})

t.test('a township auditor gets every block and lane, its own rows whole and the others as their hash', async (t) => {
  const { response, lines, body } = await exportAs(townAuditor.token)
  t.equal(response.statusCode, 200)
  const rows = ofType(lines, 'row')
  const own = rows.filter((row) => !row.withheld)
  const others = rows.filter((row) => row.withheld)
  t.ok(own.length > 0 && own.every((row) => row.regionCode === world.townA || row.regionCode.startsWith(`${world.townA}.`)), 'whole rows are its own region\'s')
  t.ok(others.length > 0, 'other regions\' rows are there')
  t.same(Object.keys(others[0]).sort(), ['hashVersion', 'rowHash', 'seq', 'txid', 'type', 'withheld'], 'as their hash alone')
  t.notOk(body.includes('乙村登记员'), 'nothing of another township is readable')
  t.equal(ofType(lines, 'block').length, Number((await sql<{ n: number }>`select count(*) as n from audit_blocks`.execute(db)).rows[0]!.n))
  const tool = await runVerifier(await write('township.ndjson', body))
  t.equal(tool.code, 0, tool.stderr)
  t.match(tool.result, { valid: true })
})

t.test('a head recorded earlier: verify?since proves the trail extends it, export?since gives what came after', async (t) => {
  const head = await api.call(districtAuditor.token, 'GET', '/v1/audit/head')
  t.equal(head.status, 200)
  t.equal(head.body.lanes.length, 32)
  t.match(head.body.head, /^(\d+\.){31}\d+:[0-9a-f]{64}$/)
  await world.officer(['registrar'], world.villageA, '后来者')

  const since = `?since=${head.body.head}`
  t.match((await api.call(districtAuditor.token, 'GET', `/v1/audit/verify${since}`)).body, { valid: true, firstBroken: null })
  const { lines, body } = await exportAs(districtAuditor.token, since)
  t.equal(lines[0].since, head.body.head)
  t.same(ofType(lines, 'start').map((start) => start.blockCount), parseHead(head.body.head).counts, 'it starts from the head')
  t.ok(ofType(lines, 'row').some((row) => row.actorName === '区管理员' && row.changes?.includes('后来者')), 'what came after')
  t.ok(ofType(lines, 'block').length >= 2 && ofType(lines, 'block').length < Number((await sql<{ n: number }>`select count(*) as n from audit_blocks`.execute(db)).rows[0]!.n), 'only the blocks after it')
  const file = await write('since.ndjson', body)
  const tool = await runVerifier(file)
  t.equal(tool.code, 0, tool.stderr)
  t.equal((await runVerifier(file, '--since', head.body.head)).code, 0, 'and the file extends the head the auditor holds')
  const full = await runVerifier(await write('full.ndjson', (await exportAs(districtAuditor.token)).body), '--since', head.body.head)
  t.equal(full.code, 0, 'so does a full export')

  const unknown = head.body.head.replace(/:[0-9a-f]{64}$/, `:${'ab'.repeat(32)}`)
  t.match((await api.call(districtAuditor.token, 'GET', `/v1/audit/verify?since=${unknown}`)).body, {
    valid: false, firstBroken: { seq: null, lane: null, problem: 'not_extended' },
  })
  const refused = await api.call(districtAuditor.token, 'GET', `/v1/audit/export?since=${unknown}`)
  t.equal(refused.status, 409)
  t.equal(refused.body.code, 'audit_head_not_extended')
  t.equal((await api.call(districtAuditor.token, 'GET', '/v1/audit/verify?since=1.2.3:abc')).body.code, 'validation_failed')
})

t.test('a trail rewritten consistently verifies as valid, but not as extending a head recorded before', async (t) => {
  const head = (await api.call(districtAuditor.token, 'GET', '/v1/audit/head')).body.head as string
  // The newest block that ends its lane.
  const last = await db.selectFrom('audit_blocks as b').innerJoin('audit_lanes as l', (join) => join.onRef('l.lane', '=', 'b.lane').onRef('l.block_count', '=', 'b.lane_seq'))
    .selectAll('b').orderBy('b.first_seq', 'desc').limit(1).executeTakeFirstOrThrow()
  const rolledBack = async (work: (trx: typeof db) => Promise<void>) => db.transaction().execute(async (trx) => {
    await work(trx)
    throw new Error('undo')
  }).catch((error: Error) => { if (error.message !== 'undo') throw error })

  // The lane's newest block and its rows cut off, and its head set back to match.
  await rolledBack(async (trx) => {
    await asSuperuser(trx,
      sql`delete from audit_events where txid = ${last.txid}::xid8`,
      sql`delete from audit_blocks where txid = ${last.txid}::xid8`,
      sql`update audit_lanes l set block_count = b.lane_seq, head_hash = b.hash
            from audit_blocks b where b.lane = l.lane and l.lane = ${last.lane} and b.lane_seq = ${last.lane_seq - 1}`)
    t.match(await verifyAuditTrail(trx), { valid: true }, 'cut consistently, the trail alone looks whole')
    t.match(await verifyAuditTrail(trx, { since: parseHead(head) }), {
      valid: false, firstBroken: { seq: null, lane: last.lane, problem: 'not_extended', detail: /fewer than/ },
    })
  })

  // A row of that block rewritten, every hash after it recomputed.
  await rolledBack(async (trx) => {
    await asSuperuser(trx,
      sql`update audit_events e set reason = 'rewritten' where txid = ${last.txid}::xid8`,
      sql`update audit_events e set row_hash = audit_row_hash_of(e) where txid = ${last.txid}::xid8`,
      sql`update audit_blocks b set row_hashes = (select string_agg(row_hash, ''::bytea order by seq) from audit_events where txid = b.txid)
           where txid = ${last.txid}::xid8`,
      sql`update audit_blocks b set rows_digest = sha256(row_hashes) where txid = ${last.txid}::xid8`,
      sql`update audit_blocks b set hash = audit_block_hash_of(b) where txid = ${last.txid}::xid8`,
      sql`update audit_lanes l set head_hash = b.hash from audit_blocks b where b.txid = ${last.txid}::xid8 and l.lane = b.lane`)
    t.match(await verifyAuditTrail(trx), { valid: true }, 'rewritten consistently, the trail alone looks whole')
    t.match(await verifyAuditTrail(trx, { since: parseHead(head) }), {
      valid: false, firstBroken: { seq: null, lane: null, problem: 'not_extended', detail: /rewritten/ },
    })
  })
})

t.test('a block of more than 8,192 rows goes out in parts, and verifies', async (t) => {
  await sql`
    insert into audit_events (entity_type, entity_id, action, actor_kind, actor_name, region_code, changes, row_hash)
    select 'payment', g::text, 'create', 'system', 'huimin', ${world.townA}, jsonb_build_object('amount', '960.00'), '\\x00'
      from generate_series(1, 9000) g
  `.execute(db)
  const { lines, body } = await exportAs(districtAuditor.token)
  const big = ofType(lines, 'block').find((block) => block.rowCount === 9000)
  t.equal(big.rowHashes.length, 9000 * 64)
  const tool = await runVerifier(await write('big.ndjson', body))
  t.equal(tool.code, 0, tool.stderr)
})

t.test('the standalone verifier cannot read what is not a whole export', async (t) => {
  const { body } = await exportAs(districtAuditor.token)
  const cut = body.slice(0, body.lastIndexOf('{"type":"lane"'))
  t.equal((await runVerifier(await write('cut.ndjson', cut))).code, 2, 'an export cut short')
  t.equal((await runVerifier(await write('other.ndjson', '{"hello":"world"}\n'))).code, 2, 'not an export')
  t.equal((await runVerifier(await write('broken.ndjson', body.replace('"type":"block"', '"type":"block",')))).code, 2, 'not JSON')
  t.equal((await runVerifier('/nonexistent/trail.ndjson')).code, 2, 'no file')
})

t.test('only auditors and administrators read the head and the export', async (t) => {
  const registrar = await world.officer(['registrar'], world.villageA)
  t.equal((await api.call(registrar.token, 'GET', '/v1/audit/head')).status, 403)
  t.equal((await api.call(registrar.token, 'GET', '/v1/audit/export')).status, 403)
  t.equal((await api.call(admin, 'GET', '/v1/audit/head')).status, 200)
})
