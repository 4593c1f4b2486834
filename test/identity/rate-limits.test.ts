import { randomUUID } from 'node:crypto'
import t from 'tap'
import { build } from '../../src/app.js'
import { apiOf, districtAdmin, regionWorld, testConfig, testDatabase } from '../helper.js'

/**
 * The limits: a partner at the rate it was registered with, each officer token at
 * RATE_LIMIT_PER_TOKEN a minute, and an address that keeps failing to authenticate.
 * Over a limit: 429 rate_limited with Retry-After.
 */
const world = await regionWorld(t, { RATE_LIMIT_PER_TOKEN: '30', RATE_LIMIT_AUTH_FAILURES: '5' })
const { api, app, admin } = world

const get = (token: string, url: string, remoteAddress = '127.0.0.1', method: 'GET' | 'DELETE' = 'GET') =>
  app.inject({ method, url, remoteAddress, headers: { authorization: `Bearer ${token}` } })

async function partnerToken (rateLimitPerMinute: number) {
  const partner = await api.call(admin, 'POST', '/v1/partners', { name: `民政系统${rateLimitPerMinute}`, department: '民政局', programs: ['GIRLS_PRIORITY'], rateLimitPerMinute })
  return (await api.call(admin, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})).body.token as string
}

t.test('a partner is served as many requests a minute as it was registered with, all its tokens together', async (t) => {
  const partner = await api.call(admin, 'POST', '/v1/partners', { name: '教育系统', department: '教育局', programs: ['GIRLS_PRIORITY'], rateLimitPerMinute: 5 })
  const tokens = await Promise.all([1, 2].map(async () => (await api.call(admin, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})).body.token as string))
  const statuses: number[] = []
  // Whatever it asks (here a token that is not its own: 404), each request counts.
  for (let i = 0; i < 12; i++) statuses.push((await get(tokens[i % 2]!, `/v1/tokens/${randomUUID()}`, '127.0.0.1', 'DELETE')).statusCode)
  t.same(statuses, [404, 404, 404, 404, 404, 429, 429, 429, 429, 429, 429, 429])
  const refused = await get(tokens[0]!, '/v1/clock')
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.match(refused.json(), { code: 'rate_limited', status: 429, detail: /This partner may make 5 requests a minute/ })
  t.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60, `Retry-After: ${refused.headers['retry-after']}`)
  t.equal(refused.headers['x-ratelimit-limit'], '5')
  const other = await partnerToken(60)
  t.equal((await get(other, '/v1/clock')).statusCode, 403, 'another partner is counted apart (and is no officer)')
})

t.test('an officer token is limited per token', async (t) => {
  const officer = await world.officer(['reviewer'], world.townA)
  const statuses: number[] = []
  for (let i = 0; i < 32; i++) statuses.push((await get(officer.token, '/v1/clock')).statusCode)
  t.same(statuses, [...Array(30).fill(200), 429, 429])
  const second = await api.call(admin, 'POST', `/v1/officers/${officer.id}/tokens`, {})
  t.equal((await get(second.body.token, '/v1/clock')).statusCode, 200, 'the same officer\'s other token has its own count')
})

t.test('an address that keeps failing to authenticate is refused for the rest of the minute', async (t) => {
  const officer = await world.officer(['reviewer'], world.townA)
  const statuses: number[] = []
  for (let i = 0; i < 8; i++) statuses.push((await get(`hm_${'x'.repeat(43)}`, '/v1/clock', '10.9.9.9')).statusCode)
  t.same(statuses, [401, 401, 401, 401, 401, 429, 429, 429])
  const blocked = await get(officer.token, '/v1/clock', '10.9.9.9')
  t.equal(blocked.statusCode, 429, 'a good token from that address waits too: nothing is looked up for it')
  t.match(blocked.json(), { code: 'rate_limited', detail: /failed to authenticate more than 5 times/ })
  t.ok(Number(blocked.headers['retry-after']) >= 1)
  t.equal((await get(officer.token, '/v1/clock', '10.9.9.10')).statusCode, 200, 'another address is not affected')
  t.equal((await app.inject({ method: 'GET', url: '/health/ready', remoteAddress: '10.9.9.9' })).statusCode, 200, 'nor are routes without a token')
})

t.test('the document declares 429 with Retry-After on every operation that takes a token', async (t) => {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  let operations = 0
  for (const [path, methods] of Object.entries<Record<string, { security?: unknown[], responses: Record<string, { headers?: Record<string, unknown> }> }>>(document.paths)) {
    if (!path.startsWith('/v1')) continue
    for (const [method, operation] of Object.entries(methods)) {
      operations++
      t.ok(operation.responses['429']?.headers?.['Retry-After'], `${method.toUpperCase()} ${path} declares 429 with Retry-After`)
      t.ok(operation.responses['503']?.headers?.['Retry-After'], `${method.toUpperCase()} ${path} declares 503 with Retry-After`)
    }
  }
  t.ok(operations > 30)
})

const redisUrl = process.env.REDIS_URL
t.test('with REDIS_URL, instances share the counts', { skip: redisUrl ? false : 'REDIS_URL is not set' }, async (t) => {
  const config = testConfig({ REDIS_URL: redisUrl!, RATE_LIMIT_AUTH_FAILURES: '4' })
  const { database } = await testDatabase(t, config)
  const instances = await Promise.all([0, 1].map(async () => {
    const instance = await build({ config, database })
    t.teardown(() => instance.close())
    return instance
  }))
  t.equal(instances[0]!.limits.store, 'redis')
  const districtToken = await districtAdmin(database, config)
  const partner = await apiOf(instances[0]!).call(districtToken, 'POST', '/v1/partners', { name: '卫健系统', department: '卫健委', programs: ['GIRLS_PRIORITY'], rateLimitPerMinute: 6 })
  const token = (await apiOf(instances[0]!).call(districtToken, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})).body.token as string
  const statuses: number[] = []
  for (let i = 0; i < 10; i++) {
    statuses.push((await instances[i % 2]!.inject({ method: 'GET', url: '/v1/clock', headers: { authorization: `Bearer ${token}` } })).statusCode)
  }
  t.equal(statuses.filter((status) => status !== 429).length, 6, `6 of 10 served across two instances: ${statuses.join(' ')}`)
  // A fresh address, so that runs of this test do not meet each other's counts.
  const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
  const failures: number[] = []
  for (let i = 0; i < 6; i++) {
    failures.push((await instances[i % 2]!.inject({ method: 'GET', url: '/v1/clock', remoteAddress: address, headers: { authorization: 'Bearer hm_nope' } })).statusCode)
  }
  t.same(failures, [401, 401, 401, 401, 429, 429])
})

t.test('when Redis does not answer, requests are served without limits rather than refused', async (t) => {
  const config = testConfig({ REDIS_URL: 'redis://127.0.0.1:1' })
  const { database } = await testDatabase(t, config)
  const instance = await build({ config, database })
  t.teardown(() => instance.close())
  const token = await districtAdmin(database, config)
  const response = await instance.inject({ method: 'GET', url: '/v1/clock', headers: { authorization: `Bearer ${token}` } })
  t.equal(response.statusCode, 200)
})
