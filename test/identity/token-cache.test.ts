import t from 'tap'
import { build } from '../../src/app.js'
import { openDatabase } from '../../src/db/database.js'
import { TokenCache } from '../../src/domain/identity/token-cache.js'
import { changingTokens } from '../../src/plugins/auth.js'
import { apiOf, regionWorld, serverUrl } from '../helper.js'

/**
 * Each instance keeps the tokens it has looked up for a few seconds; a revocation,
 * through the API or by hand, is honoured at once, on every instance.
 */
const world = await regionWorld(t)
const { api, admin } = world

t.test('a token kept by this instance, then revoked: the next request is 401', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  for (let n = 0; n < 3; n++) t.equal((await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)).status, 200)
  t.equal((await api.call(admin, 'DELETE', `/v1/tokens/${reviewer.tokenId}`)).status, 204)
  const after = await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)
  t.equal(after.status, 401)
  t.equal(after.body.code, 'token_revoked')
})

t.test('a token kept by this instance, then expired by hand in the database: the next request is 401', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  t.equal((await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)).status, 200)
  await changingTokens(world.app, reviewer.tokenId, () =>
    world.database.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', reviewer.tokenId).execute())
  const after = await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)
  t.equal(after.status, 401)
  t.equal(after.body.code, 'token_expired')
})

t.test('an officer\'s roles changed by hand: the next request is answered with the new roles', async (t) => {
  const reviewer = await world.officer(['reviewer'], world.townA)
  t.equal((await api.call(reviewer.token, 'GET', `/v1/officers/${reviewer.id}`)).status, 403)
  await changingTokens(world.app, reviewer.id, () =>
    world.database.db.updateTable('officers').set({ roles: ['admin'] }).where('id', '=', reviewer.id).execute())
  t.equal((await api.call(reviewer.token, 'GET', `/v1/officers/${reviewer.id}`)).status, 200)
})

t.test('revoked through one instance: 401 at once on a second instance of the same database', { skip: serverUrl ? false : 'the embedded engine is one instance', timeout: 120_000 }, async (t) => {
  const database = await openDatabase({ url: world.url!, poolSize: 2 })
  const second = await build({ config: world.config, database })
  t.teardown(() => second.close())
  const other = apiOf(second)
  const reviewer = await world.officer(['reviewer'], world.townA)
  for (const instance of [api, other, api, other]) t.equal((await instance.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)).status, 200, 'kept by both')
  const revoked = await api.call(admin, 'DELETE', `/v1/tokens/${reviewer.tokenId}`)
  t.equal(revoked.status, 204, JSON.stringify(revoked.body))
  const there = await other.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)
  t.equal(there.status, 401)
  t.equal(there.body.code, 'token_revoked')
  t.equal((await api.call(reviewer.token, 'GET', `/v1/regions/${world.townA}`)).status, 401)

  // And the other way round, revoking one's own token on the second instance.
  const registrar = await world.officer(['registrar'], world.villageA)
  t.equal((await api.call(registrar.token, 'GET', `/v1/regions/${world.villageA}`)).status, 200)
  t.equal((await other.call(registrar.token, 'DELETE', `/v1/tokens/${registrar.tokenId}`)).status, 204)
  t.equal((await api.call(registrar.token, 'GET', `/v1/regions/${world.villageA}`)).status, 401)
})

t.test('the cache keeps a token only while announcements are heard, and for its time only', async (t) => {
  let now = 1_000_000
  const cache = new TokenCache(5000, () => now)
  const lookup = {
    actor: { kind: 'officer' as const, id: 'o', name: 'n', roles: [], regionCode: '420102', tokenId: 'tk', programs: [] },
    status: 'active' as const, expired: false, expiresAt: new Date(now + 60_000),
  }
  cache.keep('h', lookup, cache.current)
  t.equal(cache.get('h'), undefined, 'not listening: not kept')
  cache.setListening(true)
  const before = cache.current
  cache.changed('x')
  cache.keep('h', lookup, before)
  t.equal(cache.get('h'), undefined, 'a lookup begun before an announcement is not kept')
  cache.keep('h', lookup, cache.current)
  t.equal(cache.get('h'), lookup)
  now += 4999
  t.equal(cache.get('h'), lookup)
  now += 1
  t.equal(cache.get('h'), undefined, 'kept five seconds')
  cache.keep('h', { ...lookup, expiresAt: new Date(now + 10) }, cache.current)
  now += 10
  t.equal(cache.get('h')?.expired, true, 'a kept token expires on time')
  cache.changed('y')
  t.equal(cache.get('h'), undefined, 'an announcement forgets everything')
  cache.keep('h', lookup, cache.current)
  cache.setListening(false)
  t.equal(cache.get('h'), undefined, 'losing the connection forgets everything')
})
