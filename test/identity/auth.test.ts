import t from 'tap'
import { changingTokens } from '../../src/plugins/auth.js'
import { regionWorld } from '../helper.js'

const world = await regionWorld(t)
const { api, admin, db } = { ...world, db: world.database.db }

t.test('no token, a malformed header, an unknown token: 401 problems', async (t) => {
  const none = await world.app.inject({ method: 'GET', url: '/v1/regions/420102' })
  t.equal(none.statusCode, 401)
  t.match(none.headers['content-type'], /^application\/problem\+json/)
  t.equal(none.json().code, 'token_missing')
  t.match(none.headers['www-authenticate'], /^Bearer/)

  const basic = await world.app.inject({ method: 'GET', url: '/v1/regions/420102', headers: { authorization: 'Basic abc' } })
  t.equal(basic.json().code, 'token_missing')

  const unknown = await api.call('hm_' + 'A'.repeat(43), 'GET', '/v1/regions/420102')
  t.equal(unknown.status, 401)
  t.equal(unknown.body.code, 'token_invalid')

  const garbage = await api.call('not-a-token', 'GET', '/v1/regions/420102')
  t.equal(garbage.status, 401)
  t.equal(garbage.body.code, 'token_invalid')
})

t.test('an expired token: 401', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  t.equal((await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)).status, 200)
  // Changed by hand: honoured on every instance once each has heard the database announce it.
  await changingTokens(world.app, reviewer.tokenId, () =>
    db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', reviewer.tokenId).execute())
  const expired = await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)
  t.equal(expired.status, 401)
  t.equal(expired.body.code, 'token_expired')
})

t.test('a token cannot be issued already expired', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  const refused = await api.call(admin, 'POST', `/v1/officers/${reviewer.id}/tokens`, { expiresAt: '2020-01-01T00:00:00Z' })
  t.equal(refused.status, 422)
  t.equal(refused.body.code, 'expiry_not_in_future')
})

t.test('a token issued without a body lives a year and is shown once', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  const response = await world.app.inject({ method: 'POST', url: `/v1/officers/${reviewer.id}/tokens`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(response.statusCode, 201)
  const issued = response.json()
  t.match(issued.token, /^hm_[A-Za-z0-9_-]{43}$/)
  const days = (Date.parse(issued.expiresAt) - Date.now()) / 86_400_000
  t.ok(days > 364 && days <= 365, 'a year')
  const stored = await db.selectFrom('api_tokens').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow()
  t.not(stored.token_hash.toString('hex'), issued.token, 'only a hash is stored')
  t.notOk(JSON.stringify(stored).includes(issued.token), 'the token itself is nowhere in the row')
})

t.test('a revoked token: 401; revoking is audited; revoking twice is a 409', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  const revoked = await api.call(admin, 'DELETE', `/v1/tokens/${reviewer.tokenId}`)
  t.equal(revoked.status, 204)
  const after = await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)
  t.equal(after.status, 401)
  t.equal(after.body.code, 'token_revoked')
  const again = await api.call(admin, 'DELETE', `/v1/tokens/${reviewer.tokenId}`)
  t.equal(again.status, 409)
  t.equal(again.body.code, 'transition_not_allowed')
  const trail = await api.call(admin, 'GET', `/v1/audit-events?entityType=api_token&entityId=${reviewer.tokenId}`)
  t.same(trail.body.items.map((event: { action: string, fromStatus: string | null, toStatus: string }) => [event.action, event.fromStatus, event.toStatus]), [
    ['issue', null, 'active'],
    ['revoke', 'active', 'revoked'],
  ])
  t.match(trail.body.items[1].actor, { kind: 'officer', name: '区管理员', role: 'admin', regionCode: world.district })
})

t.test('anyone may revoke their own token, and no one else\'s', async (t) => {
  const one = await world.officer(['registrar'], world.villageA)
  const other = await world.officer(['registrar'], world.villageA)
  t.equal((await api.call(one.token, 'DELETE', `/v1/tokens/${other.tokenId}`)).status, 404, 'another officer\'s token does not exist for me')
  t.equal((await api.call(one.token, 'DELETE', `/v1/tokens/${one.tokenId}`)).status, 204)
  t.equal((await api.call(one.token, 'GET', `/v1/regions/${world.villageA}`)).status, 401)
})

t.test('a role the route does not allow: 403 problem', async (t) => {
  const registrar = await world.officer(['registrar'], world.villageA)
  const forbidden = await api.call(registrar.token, 'POST', '/v1/officers', { name: '李四', roles: ['admin'], regionCode: world.villageA })
  t.equal(forbidden.status, 403)
  t.equal(forbidden.body.code, 'role_forbidden')
  t.match(forbidden.body.detail, /admin/)
  const audit = await api.call(registrar.token, 'GET', '/v1/audit-events')
  t.equal(audit.status, 403)
})

t.test('the caller is the token, never a body field', async (t) => {
  const created = await api.call(admin, 'POST', '/v1/officers', { name: '王五', roles: ['auditor'], regionCode: world.townA, actorId: 'someone-else' })
  t.equal(created.status, 400, 'an identity field in the body is refused, not used')
  t.match(created.body.errors, [{ path: '/body/actorId' }])
})

t.test('a partner token works only where the partner role is allowed', async (t) => {
  const partner = await api.call(admin, 'POST', '/v1/partners', { name: '学籍系统', department: '教育局', programs: ['GIRLS_PRIORITY'] })
  t.equal(partner.status, 201)
  t.match(partner.body, { regionCode: world.district, rateLimitPerMinute: 60, programs: ['GIRLS_PRIORITY'] })
  const issued = await api.call(admin, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})
  t.equal(issued.status, 201)
  const read = await api.call(issued.body.token, 'GET', `/v1/regions/${world.district}`)
  t.equal(read.status, 403, 'a partner is not an officer')
  t.equal((await api.call(issued.body.token, 'DELETE', `/v1/tokens/${issued.body.id}`)).status, 204, 'but may revoke its own token')
})
