import { sql, type Kysely } from 'kysely'
import t, { type Test } from 'tap'
import type { DB } from '../../src/db/types.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { CATALOGUE } from '../../src/domain/programs/catalogue.js'
import { build } from '../../src/app.js'
import { apiOf, districtAdmin, testConfig, testDatabase } from '../helper.js'

/** A trail of a few transactions, and the verify endpoint to read it, on a database of its own. */
async function trail (t: Test) {
  const config = testConfig()
  const { database } = await testDatabase(t, config)
  const app = await build({ config, database })
  t.teardown(() => app.close())
  const admin = await districtAdmin(database, config)
  const api = apiOf(app)
  for (const n of ['001', '002', '003']) {
    await api.call(admin, 'POST', '/v1/regions', { code: `420102.${n}`, name: `镇${n}`, level: 'township', parentCode: '420102' })
  }
  const verify = async () => (await api.call(admin, 'GET', '/v1/audit/verify')).body
  // The administrator, three townships, the token — and the seeded catalogue's versions.
  t.match(await verify(), { valid: true, rowsChecked: 5 + CATALOGUE.length, firstBroken: null }, 'intact before tampering')
  return { db: database.db, verify }
}

/** As a database superuser would: with the append-only triggers switched off. */
async function asSuperuser (db: Kysely<DB>, tamper: ReturnType<typeof sql>) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_events disable trigger user`.execute(trx)
    await sql`alter table audit_blocks disable trigger user`.execute(trx)
    await tamper.execute(trx)
    await sql`alter table audit_events enable trigger user`.execute(trx)
    await sql`alter table audit_blocks enable trigger user`.execute(trx)
  })
}

const seqOf = async (db: Kysely<DB>, entityId: string) =>
  (await db.selectFrom('audit_events').select('seq').where('entity_id', '=', entityId).executeTakeFirstOrThrow()).seq

t.test('altering one row\'s content is found, and the row is named', async (t) => {
  const { db, verify } = await trail(t)
  const seq = await seqOf(db, '420102.002')
  await asSuperuser(db, sql`update audit_events set changes = '{"name": "改过的镇"}' where seq = ${seq}`)
  const result = await verify()
  t.equal(result.valid, false)
  t.match(result.firstBroken, { seq, problem: 'row_altered' })
  t.match(result.firstBroken.detail, String(seq))
})

t.test('altering a row and recomputing its hash is found by its block', async (t) => {
  const { db, verify } = await trail(t)
  const seq = await seqOf(db, '420102.002')
  await asSuperuser(db, sql`update audit_events set reason = 'backdated' where seq = ${seq}`)
  await asSuperuser(db, sql`update audit_events set row_hash = audit_row_hash(audit_events) where seq = ${seq}`)
  t.match(await verify(), { valid: false, firstBroken: { seq, problem: 'block_mismatch' } })
})

t.test('deleting a row is found, and the missing row is named', async (t) => {
  const { db, verify } = await trail(t)
  const seq = await seqOf(db, '420102.002')
  await asSuperuser(db, sql`delete from audit_events where seq = ${seq}`)
  const result = await verify()
  t.equal(result.valid, false)
  t.match(result.firstBroken, { seq, problem: 'rows_missing' })
  t.match(result.firstBroken.detail, `row ${seq} was removed`)
})

t.test('a row slipped in around the audit mechanism is found', async (t) => {
  const { db, verify } = await trail(t)
  await asSuperuser(db, sql`
    insert into audit_events (entity_type, entity_id, action, actor_kind, actor_name, region_code, row_hash)
    values ('officer', 'ghost', 'create', 'system', 'nobody', '420102', '\\x00')`)
  await asSuperuser(db, sql`update audit_events set row_hash = audit_row_hash(audit_events) where entity_id = 'ghost'`)
  const seq = await seqOf(db, 'ghost')
  t.match(await verify(), { valid: false, firstBroken: { seq, problem: 'row_unsealed' } })
})

t.test('removing a whole block is found, in the middle of a lane and at its end', async (t) => {
  const { db, verify } = await trail(t)
  const middle = await seqOf(db, '420102.002')
  await asSuperuser(db, sql`delete from audit_blocks where first_seq = ${middle}`)
  t.match(await verify(), { valid: false, firstBroken: { seq: middle, problem: 'row_unsealed' } }, 'its rows are no longer sealed')
  await asSuperuser(db, sql`delete from audit_events where seq = ${middle}`)
  t.match(await verify(), { valid: false, firstBroken: { problem: 'chain_broken' } }, 'the next block no longer follows')
})

t.test('truncating the end of the trail is found by the lane head', async (t) => {
  const { db, verify } = await trail(t)
  const last = await seqOf(db, '420102.003')
  await asSuperuser(db, sql`delete from audit_blocks where first_seq = ${last}`)
  await asSuperuser(db, sql`delete from audit_events where seq = ${last}`)
  t.match(await verify(), { valid: false, firstBroken: { seq: null, problem: 'head_mismatch' } })
})

t.test('the service function and the endpoint agree', async (t) => {
  const { db, verify } = await trail(t)
  t.same(await verify(), await verifyAuditTrail(db))
})
