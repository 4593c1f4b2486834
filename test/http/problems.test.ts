import t from 'tap'
import { apiOf, buildApp, districtAdmin } from '../helper.js'

const { app, database, config } = await buildApp(t, { BODY_LIMIT: '2048' })
const admin = await districtAdmin(database, config)

// One route that fails unexpectedly, to see what a 500 shows.
await app.register(async (api) => {
  api.get('/probes/broken', { config: { roles: ['admin'] } }, async () => {
    throw new Error('connection to 10.0.0.7 refused for user secret_owner')
  })
}, { prefix: '/v1' })

const township = { code: '420102.009', name: '丙镇', level: 'township', parentCode: '420102' }

const post = (payload: unknown, headers: Record<string, string> = {}) => app.inject({
  method: 'POST',
  url: '/v1/regions',
  headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...headers },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
})

t.test('an unknown field is a 400 problem that names it, not silently dropped', async (t) => {
  const response = await post({ ...township, unexpected: true })
  t.equal(response.statusCode, 400)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  const problem = response.json()
  t.equal(problem.code, 'validation_failed')
  t.equal(problem.type, 'urn:huimin:problem:validation_failed')
  t.equal(problem.status, 400)
  t.same(problem.errors, [{ path: '/body/unexpected', message: 'unknown field' }])
  t.match(problem.detail, /unexpected/)
  t.equal((await apiOf(app).call(admin, 'GET', `/v1/regions/${township.code}`)).status, 404, 'nothing was created')
})

t.test('a missing field, a wrong type and a bad enum value are each named', async (t) => {
  const response = await post({ code: 420102009, level: 'county', parentCode: '420102' })
  t.equal(response.statusCode, 400)
  const paths = response.json().errors.map((error: { path: string }) => error.path).sort()
  t.same(paths, ['/body/code', '/body/level', '/body/name'], 'a number is not coerced to a string in a JSON body')
})

t.test('a bad query or path value is named too', async (t) => {
  const limit = await apiOf(app).call(admin, 'GET', '/v1/regions/420102/children?limit=0')
  t.equal(limit.status, 400)
  t.same(limit.body.errors.map((error: { path: string }) => error.path), ['/query/limit'])
  const code = await apiOf(app).call(admin, 'GET', '/v1/regions/not-a-code')
  t.equal(code.status, 400)
  t.same(code.body.errors.map((error: { path: string }) => error.path), ['/path/code'])
  const cursor = await apiOf(app).call(admin, 'GET', '/v1/regions/420102/children?cursor=bm9wZQ')
  t.equal(cursor.status, 400)
  t.equal(cursor.body.code, 'invalid_cursor')
})

t.test('malformed JSON is a 400 problem', async (t) => {
  const response = await post('{"code": "420102.009",')
  t.equal(response.statusCode, 400)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  t.equal(response.json().code, 'malformed_json')
})

t.test('an empty JSON body is a 400 problem', async (t) => {
  const response = await post('')
  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'malformed_json')
})

t.test('a body that is not JSON is a 415 problem', async (t) => {
  const response = await post('code=420102.009', { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(response.statusCode, 415)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  t.equal(response.json().code, 'unsupported_media_type')
})

t.test('a body over the limit is a 413 problem', async (t) => {
  const response = await post({ ...township, name: '镇'.repeat(2048) })
  t.equal(response.statusCode, 413)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  t.equal(response.json().code, 'payload_too_large')
})

t.test('an unknown route is a 404 problem', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/v1/no-such-thing?idNumber=1' })
  t.equal(response.statusCode, 404)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  const problem = response.json()
  t.equal(problem.code, 'route_not_found')
  t.notMatch(problem.detail, /idNumber/, 'the query string is not echoed')
})

t.test('an unexpected failure is a 500 problem that hides its internals', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/v1/probes/broken', headers: { authorization: `Bearer ${admin}`, 'x-request-id': 'trace-42' } })
  t.equal(response.statusCode, 500)
  const problem = response.json()
  t.equal(problem.code, 'internal_error')
  t.equal(problem.instance, 'trace-42')
  t.notMatch(response.body, /10\.0\.0\.7|secret_owner|at .*\.ts/)
})

t.test('the request id is echoed, made when absent and replaced when unsafe', async (t) => {
  const given = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } })
  t.equal(given.headers['x-request-id'], 'abc-123')
  const made = await app.inject({ method: 'GET', url: '/health/live' })
  t.match(made.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const unsafe = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'bad<script>' } })
  t.not(unsafe.headers['x-request-id'], 'bad<script>')
  const onError = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'lost-1' } })
  t.equal(onError.headers['x-request-id'], 'lost-1')
  t.equal(onError.json().instance, 'lost-1')
})
