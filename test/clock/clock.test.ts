import t from 'tap'
import { shanghaiDate, shanghaiMidnight } from '../../src/domain/clock/clock.js'
import { apiOf, buildApp, districtAdmin, regionWorld } from '../helper.js'
import { couple } from '../registry/people.js'

t.test('on a settable instance a district administrator moves the clock, and everything that reads "now" follows', async (t) => {
  const world = await regionWorld(t, { CLOCK: 'settable' })
  const { api, admin } = world
  const registrar = await world.officer(['registrar'], world.villageA, '登记员')
  const townAdmin = await world.officer(['admin'], world.townA, '镇管理员')

  const real = await api.call(registrar.token, 'GET', '/v1/clock')
  t.equal(real.status, 200)
  t.equal(real.body.settable, true)
  t.ok(Math.abs(Date.parse(real.body.now) - Date.now()) < 60_000, 'until it is set, the clock reads real time')

  t.equal((await api.call(registrar.token, 'PUT', '/v1/clock', { now: '2010-03-15T09:00:00+08:00' })).body.code, 'role_forbidden')
  t.equal((await api.call(townAdmin.token, 'PUT', '/v1/clock', { now: '2010-03-15T09:00:00+08:00' })).body.code, 'district_scope_required')

  const set = await api.call(admin, 'PUT', '/v1/clock', { now: '2010-03-15T09:00:00+08:00' })
  t.equal(set.status, 200, 'the first setting may be any instant, past included')
  t.equal(set.body.today, '2010-03-15')
  t.ok(Date.parse(set.body.now) - Date.parse('2010-03-15T01:00:00Z') < 60_000)

  const household = await api.call(admin, 'POST', '/v1/households', couple(world.villageA, 3))
  const head = household.body.members[0].id
  const evaluation = await api.call(registrar.token, 'POST', '/v1/eligibility/evaluations', { programCode: 'RURAL_REWARD', personId: head })
  t.equal(evaluation.body.asOf, '2010-03-15', '"today" of an evaluation is the clock\'s')
  t.equal(evaluation.body.period, '2010')

  const audited = await world.database.db.selectFrom('audit_events').select(['occurred_at', 'action', 'actor_role'])
    .where('entity_id', '=', household.body.id).executeTakeFirstOrThrow()
  t.equal(audited.occurred_at.toISOString().slice(0, 10), '2010-03-15', 'audit rows are timed by the clock')
  const setting = await world.database.db.selectFrom('audit_events').selectAll().where('entity_type', '=', 'clock').executeTakeFirstOrThrow()
  t.match(setting, { action: 'set', actor_role: 'admin', changes: { to: '2010-03-15T01:00:00.000Z' } }, 'the setting is audited')

  const future = await api.call(registrar.token, 'POST', `/v1/persons/${head}/events`, { type: 'sterilisation', date: '2011-05-01' })
  t.equal(future.body.code, 'date_in_future', 'a date after the clock\'s today is in the future')

  const back = await api.call(admin, 'PUT', '/v1/clock', { now: '2010-03-14T09:00:00+08:00' })
  t.equal(back.status, 409)
  t.equal(back.body.code, 'clock_backwards', 'after the first setting the clock only moves forward')

  const forward = await api.call(admin, 'PUT', '/v1/clock', { now: '2011-06-01T09:00:00+08:00' })
  t.equal(forward.body.today, '2011-06-01')
  t.equal((await api.call(registrar.token, 'POST', `/v1/persons/${head}/events`, { type: 'sterilisation', date: '2011-05-01' })).status, 201,
    'moved forward, the same date is past')
  const later = await api.call(registrar.token, 'POST', '/v1/eligibility/evaluations', { programCode: 'RURAL_REWARD', personId: head })
  t.equal(later.body.asOf, '2011-06-01')
})

t.test('on an instance running on real time the clock is read, not set', async (t) => {
  const built = await buildApp(t)
  const api = apiOf(built.app)
  const admin = await districtAdmin(built.database, built.config)
  const reading = await api.call(admin, 'GET', '/v1/clock')
  t.equal(reading.body.settable, false)
  const refused = await api.call(admin, 'PUT', '/v1/clock', { now: '2010-03-15T09:00:00+08:00' })
  t.equal(refused.status, 404)
  t.equal(refused.body.code, 'clock_not_settable')
})

t.test('a Shanghai day begins at 16:00 UTC the day before; its last second is still that day', async (t) => {
  t.equal(shanghaiMidnight('2010-01-01').toISOString(), '2009-12-31T16:00:00.000Z')
  t.equal(shanghaiMidnight('2010-12-31', 1).toISOString(), '2010-12-31T16:00:00.000Z', 'the year 2010 is over at this instant')
  t.equal(shanghaiMidnight('2012-02-28', 1).toISOString(), '2012-02-28T16:00:00.000Z', 'the day after 28 February 2012 is the 29th')
  t.equal(shanghaiDate(shanghaiMidnight('2010-12-31', 1).getTime() - 1000), '2010-12-31')
  t.equal(shanghaiDate(shanghaiMidnight('2010-12-31', 1)), '2011-01-01')
})
