import t from 'tap'
import { patchPerson } from '../../src/domain/registry/service.js'
import { NOTICE_ENDED_REASON } from '../../src/domain/workflow/case-machine.js'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, admin, registrar, investigator, reviewer, confirmer, setClock, elderlyCouple, register, step, auditOf } = world

const dayAfter = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** Cases taken together to their district notice from a day: investigated that day, reviewed 7 days on, confirmed 14 days on (the notice's last day is 20 days on). */
async function underDistrictNotice (personIds: string[], from: string) {
  await setClock(from)
  const ids = [] as string[]
  for (const personId of personIds) ids.push(await register(personId))
  for (const id of ids) await step(investigator, id, 'investigate')
  await setClock(dayAfter(from, 7))
  for (const id of ids) await step(reviewer, id, 'review')
  await setClock(dayAfter(from, 14))
  for (const id of ids) t.equal((await step(confirmer, id, 'confirm')).body.status, 'district_notice')
  return ids
}

/** A beneficiary: a case whose district notice ended, made active by the next read. */
async function beneficiary (personId: string, from: string) {
  const [id] = await underDistrictNotice([personId], from) as [string]
  await setClock(dayAfter(from, 21))
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)).body.status, 'active')
  return id
}

/** The case's row as the database holds it, read without the service (a read through the API would settle it). */
const stored = (id: string) => world.database.db.selectFrom('cases').select(['status', 'active_from']).where('id', '=', id).executeTakeFirstOrThrow()

t.test('the instance\'s sweep makes active a case whose district notice ended, and leaves one an objection holds', async (t) => {
  const [free, held] = await underDistrictNotice([(await elderlyCouple()).head, (await elderlyCouple()).head], '2010-03-15') as [string, string]
  const objection = await api.call(registrar.token, 'POST', `/v1/cases/${held}/objections`, { channel: 'letter', receivedAt: 'village', content: '家中另有一女未登记' })
  t.equal(objection.status, 201)

  await setClock('2010-04-04') // the district notice's last day
  await world.app.jobs.sweep()
  t.same(await stored(free), { status: 'district_notice', active_from: null }, 'on the notice\'s last day the sweep leaves it posted')

  await setClock('2010-04-05')
  await world.app.jobs.sweep()
  t.same(await stored(free), { status: 'active', active_from: '2010-04-05' }, 'the day after, the sweep made it a beneficiary with nobody reading it')
  t.same(await stored(held), { status: 'district_notice', active_from: null }, 'the case with an open objection waits where it stands')
  const [activation, ...more] = (await auditOf(free)).filter((row) => row.action === 'activate')
  t.match(activation, { from_status: 'district_notice', to_status: 'active', actor_kind: 'system', actor_name: 'huimin', actor_role: null, reason: NOTICE_ENDED_REASON })
  t.same(more, [], 'one activation')
  t.same((await auditOf(held)).filter((row) => row.action === 'activate'), [], 'none for the held case')
  const notice = await world.database.db.selectFrom('notices').select(['level', 'closed_on']).where('case_id', '=', free).where('level', '=', 'district').executeTakeFirstOrThrow()
  t.same(notice, { level: 'district', closed_on: '2010-04-05' }, 'its district notice is taken down')

  await world.app.jobs.sweep()
  t.equal((await auditOf(free)).filter((row) => row.action === 'activate').length, 1, 'sweeping again changes nothing')

  const dismissed = await api.call(reviewer.token, 'POST', `/v1/objections/${objection.body.id}/transitions`, { action: 'dismiss', reason: '经核实，无此情况' })
  t.equal(dismissed.body.status, 'dismissed')
  await world.app.jobs.sweep()
  t.same(await stored(held), { status: 'active', active_from: '2010-04-05' }, 'dismissed, the objection lets the next sweep activate the case')
})

t.test('an upheld objection exits a beneficiary, active or suspended', async (t) => {
  const active = await beneficiary((await elderlyCouple()).head, '2010-05-03')
  const suspended = await beneficiary((await elderlyCouple()).head, '2010-05-24')
  t.equal((await step(confirmer, suspended, 'suspend', { reason: '长期外出，待核实' })).body.status, 'suspended')

  for (const [id, from] of [[active, 'active'], [suspended, 'suspended']] as const) {
    const logged = await api.call(registrar.token, 'POST', `/v1/cases/${id}/objections`, { channel: 'hotline', receivedAt: 'hamlet', content: '其子另有一女，不符合条件' })
    t.equal(logged.status, 201, 'an objection may be logged against a beneficiary')
    t.equal((await stored(id)).status, from, 'logging it does not move the case')
    const upheld = await api.call(reviewer.token, 'POST', `/v1/objections/${logged.body.id}/transitions`, { action: 'uphold', reason: '核实另有一女' })
    t.equal(upheld.body.status, 'upheld')
    const exited = await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)
    t.equal(exited.body.status, 'exited', `the ${from} beneficiary exits`)
    t.match(exited.body.timeline.at(-1), { action: 'exit', from, to: 'exited', actor: { kind: 'system', name: 'huimin' }, reason: `objection ${logged.body.id} upheld` })
    t.match((await auditOf(id)).at(-1), { action: 'exit', from_status: from, to_status: 'exited', actor_kind: 'system', reason: `objection ${logged.body.id} upheld` })
  }
})

t.test('a death recorded as the person\'s deathDate exits their active cases in the same transaction, audited', async (t) => {
  const couple = await elderlyCouple()
  const id = await beneficiary(couple.head, '2010-07-01')
  await setClock('2011-03-01')
  const person = await world.app.inject({ method: 'GET', url: `/v1/persons/${couple.head}`, headers: { authorization: `Bearer ${admin}` } })

  // The same change through the service, inside a transaction that then fails: neither the death nor the exit stays.
  const acting = {
    actor: { kind: 'officer' as const, id: registrar.id, name: '王登记', roles: ['registrar' as const], regionCode: world.villageA, tokenId: registrar.tokenId, programs: [] },
    role: 'registrar' as const, scope: world.villageA, requestId: 'death-date-test', clock: world.app.clock,
  }
  await t.rejects(world.database.db.transaction().execute(async (trx) => {
    await patchPerson({ db: trx, vault: world.app.pii }, acting, couple.head, person.headers.etag as string, { deathDate: '2011-02-20' })
    t.equal((await trx.selectFrom('cases').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'exited', 'the case exits with the death')
    throw new Error('a later step fails')
  }), { message: 'a later step fails' })
  t.same(await stored(id), { status: 'active', active_from: '2010-07-22' }, 'rolled back whole: still active')

  const patched = await world.app.inject({
    method: 'PATCH', url: `/v1/persons/${couple.head}`, payload: { deathDate: '2011-02-20' },
    headers: { authorization: `Bearer ${admin}`, 'if-match': person.headers.etag as string },
  })
  t.equal(patched.statusCode, 200)
  t.equal(patched.json().deathDate, '2011-02-20')
  const exited = await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)
  t.equal(exited.body.status, 'exited')
  t.match(exited.body.timeline.at(-1), { action: 'exit', from: 'active', to: 'exited', actor: { kind: 'system' }, reason: 'death recorded: 2011-02-20' })

  const update = await world.database.db.selectFrom('audit_events').selectAll().where('entity_type', '=', 'person').where('entity_id', '=', couple.head)
    .where('action', '=', 'update').orderBy('seq', 'desc').executeTakeFirstOrThrow()
  t.match(update.changes, { deathDate: { to: '2011-02-20' } }, 'the person\'s audit row names the death date')
  const exit = (await auditOf(id)).at(-1)!
  t.match(exit, { action: 'exit', from_status: 'active', to_status: 'exited', actor_kind: 'system', reason: 'death recorded: 2011-02-20' })
  t.equal(exit.request_id, update.request_id, 'the exit is written by the request that recorded the death')
  t.equal(exit.txid, update.txid, 'in its transaction')
  t.ok(exit.seq > update.seq)
  t.equal((await auditOf(id)).filter((row) => row.action === 'exit').length, 1, 'one exit row')
})

t.test('every step taken in this file has exactly one audit row, and the trail verifies', (t) => checkTrail(t, world.database.db))
