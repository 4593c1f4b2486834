import { sql } from 'kysely'
import t from 'tap'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { systemActing } from '../../src/domain/identity/acting.js'
import { TOKEN } from '../../src/domain/identity/token-machine.js'
import { transition } from '../../src/domain/state/machine.js'
import { regionWorld, serverUrl } from '../helper.js'

const world = await regionWorld(t)
const { api, admin } = world
const db = world.database.db

const rowsAbout = (entityId: string) => db.selectFrom('audit_events').selectAll().where('entity_id', '=', entityId).orderBy('seq').execute()
const auditCount = async () => Number((await db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

t.test('every audited action writes its row, naming the officer, role, region and request', async (t) => {
  const region = await api.call(admin, 'POST', '/v1/regions', { code: `${world.townA}.007`, name: '庚村', level: 'village', parentCode: world.townA })
  const officer = await api.call(admin, 'POST', '/v1/officers', { name: '赵六', roles: ['investigator'], regionCode: region.body.code })
  const partner = await api.call(admin, 'POST', '/v1/partners', { name: '就业系统', department: '人社局', programs: ['GIRLS_PRIORITY'] })
  const issued = await world.app.inject({
    method: 'POST',
    url: `/v1/officers/${officer.body.id}/tokens`,
    headers: { authorization: `Bearer ${admin}`, 'x-request-id': 'issue-zhao' },
  })
  await api.call(admin, 'DELETE', `/v1/tokens/${issued.json().id}`)

  t.match(await rowsAbout(region.body.code), [{ entity_type: 'region', action: 'create', region_code: region.body.code }])
  t.match(await rowsAbout(officer.body.id), [{ entity_type: 'officer', action: 'create', changes: { name: '赵六', roles: ['investigator'] } }])
  t.match(await rowsAbout(partner.body.id), [{ entity_type: 'partner', action: 'create', changes: { department: '人社局' } }])
  const tokenRows = await rowsAbout(issued.json().id)
  t.match(tokenRows, [
    { entity_type: 'api_token', action: 'issue', from_status: null, to_status: 'active', request_id: 'issue-zhao' },
    { entity_type: 'api_token', action: 'revoke', from_status: 'active', to_status: 'revoked' },
  ])
  for (const row of tokenRows) {
    t.match(row, { actor_kind: 'officer', actor_name: '区管理员', actor_role: 'admin', actor_region: world.district, region_code: region.body.code })
    t.notOk(JSON.stringify(row.changes).includes(issued.json().token), 'the token itself is never written')
  }
  t.ok((await verifyAuditTrail(db)).valid)
})

t.test('a refused change writes no audit row', async (t) => {
  const before = await auditCount()
  const refused = await api.call(admin, 'POST', '/v1/officers', { name: '钱七', roles: ['registrar'], regionCode: `${world.townA}.099` })
  t.equal(refused.status, 404)
  t.equal(refused.body.code, 'region_not_found')
  t.equal(await auditCount(), before)
})

t.test('a change whose transaction fails after its audit row leaves neither', async (t) => {
  const officer = await world.officer(['registrar'], world.villageA)
  const before = await auditCount()
  const blocksBefore = (await db.selectFrom('audit_blocks').select('txid').execute()).length
  await t.rejects(db.transaction().execute(async (trx) => {
    await transition(trx, TOKEN, systemActing('test', world.district, world.app.clock), officer.tokenId, 'revoke')
    t.equal(Number((await trx.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), before + 1, 'the row was written inside the transaction')
    throw new Error('the connection died before commit')
  }), /connection died/)
  t.equal(await auditCount(), before, 'no audit row')
  t.equal((await db.selectFrom('audit_blocks').select('txid').execute()).length, blocksBefore, 'no block sealed')
  const token = await db.selectFrom('api_tokens').select('status').where('id', '=', officer.tokenId).executeTakeFirstOrThrow()
  t.equal(token.status, 'active', 'and no status change')
})

t.test('the database refuses to update, delete or truncate the trail', async (t) => {
  for (const statement of [
    sql`update audit_events set reason = 'rewritten'`,
    sql`delete from audit_events`,
    sql`truncate audit_events`,
    sql`update audit_blocks set row_count = 0`,
    sql`delete from audit_blocks`,
  ]) {
    await t.rejects(statement.execute(db), /append-only/, statement.compile(db).sql)
  }
  t.ok((await verifyAuditTrail(db)).valid)
})

t.test('audit rows page oldest first and filter by entity, officer and time', async (t) => {
  const officer = await world.officer(['auditor'], world.district)
  const all = await api.call(officer.token, 'GET', '/v1/audit-events?limit=3')
  t.equal(all.status, 200)
  t.equal(all.body.items.length, 3)
  const next = await api.call(officer.token, 'GET', `/v1/audit-events?limit=3&cursor=${all.body.nextCursor}`)
  t.ok(next.body.items[0].seq > all.body.items[2].seq, 'the next page continues after the last row')
  const byOfficer = await api.call(officer.token, 'GET', `/v1/audit-events?officerId=${officer.id}`)
  t.same(byOfficer.body.items, [], 'the auditor has done nothing')
  const future = await api.call(officer.token, 'GET', `/v1/audit-events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
  t.same(future.body.items, [])
  const tokens = await api.call(officer.token, 'GET', '/v1/audit-events?entityType=api_token&limit=500')
  t.ok(tokens.body.items.length > 0 && tokens.body.items.every((event: { entityType: string }) => event.entityType === 'api_token'))
})

t.test('concurrent writers: all sealed, the trail verifies', async (t) => {
  const officers = await Promise.all(Array.from({ length: 20 }, (_, i) => world.officer(['registrar'], world.villageA, `并发${i}`)))
  t.equal(officers.length, 20)
  const result = await verifyAuditTrail(db)
  t.ok(result.valid, JSON.stringify(result.firstBroken))
  t.equal(result.rowsChecked, await auditCount())
})

t.test('a writer does not wait for a lane another transaction holds', { skip: !serverUrl && 'the embedded engine has one session' }, async (t) => {
  // Another transaction holds lane 0, as a slow commit would; this one seals on another lane.
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let locked!: () => void
  const lockTaken = new Promise<void>((resolve) => { locked = resolve })
  const holder = db.transaction().execute(async (trx) => {
    await sql`select lane from audit_lanes where lane = 0 for update`.execute(trx)
    locked()
    await held
  })
  await lockTaken
  const officer = await world.officer(['registrar'], world.villageA, '不等待')
  const block = await sql<{ lane: number }>`
    select b.lane from audit_blocks b join audit_events e on e.txid = b.txid where e.entity_id = ${officer.id}
  `.execute(db)
  release()
  await holder
  t.not(block.rows[0]?.lane, 0, 'sealed on a free lane')
  t.ok((await verifyAuditTrail(db)).valid)
})

t.test('the seal plans its lookups at each call, so they stay on their indexes however the trail has grown since it was last analysed', async (t) => {
  const { rows } = await sql<{ proname: string, proconfig: string[] | null }>`
    select proname, proconfig from pg_proc where proname in ('audit_seal', 'audit_lanes_advance_only') order by proname`.execute(db)
  t.same(rows, [
    { proname: 'audit_lanes_advance_only', proconfig: ['plan_cache_mode=force_custom_plan'] },
    { proname: 'audit_seal', proconfig: ['plan_cache_mode=force_custom_plan'] },
  ])
})
