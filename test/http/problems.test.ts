import t from 'tap'
import Type from 'typebox'
import { buildApp } from '../helper.js'

const { app } = await buildApp(t, { BODY_LIMIT: '2048' })

// A route shaped like every /v1 route: a TypeBox body that refuses unknown fields.
await app.register(async (api) => {
  api.post('/probes', {
    schema: {
      body: Type.Object({
        name: Type.String({ minLength: 1 }),
        count: Type.Optional(Type.Integer({ minimum: 0 })),
        nested: Type.Optional(Type.Object({ code: Type.String() }, { additionalProperties: false })),
      }, { additionalProperties: false }),
    },
  }, async (request) => ({ received: request.body }))
  api.get('/probes/broken', async () => {
    throw new Error('connection to 10.0.0.7 refused for user secret_owner')
  })
}, { prefix: '/v1' })

const post = (payload: unknown, headers: Record<string, string> = {}) => app.inject({
  method: 'POST',
  url: '/v1/probes',
  headers: { 'content-type': 'application/json', ...headers },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
})

t.test('a known body passes through untouched', async (t) => {
  const response = await post({ name: 'a', count: 2 })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { received: { name: 'a', count: 2 } })
})

t.test('an unknown field is a 400 problem that names it, not silently dropped', async (t) => {
  const response = await post({ name: 'a', unexpected: true, nested: { code: 'x', extra: 1 } })
  t.equal(response.statusCode, 400)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  const problem = response.json()
  t.equal(problem.code, 'validation_failed')
  t.equal(problem.type, 'urn:huimin:problem:validation_failed')
  t.equal(problem.status, 400)
  t.same(problem.errors.map((error: { path: string }) => error.path).sort(), ['/body/nested/extra', '/body/unexpected'])
  t.match(problem.detail, /unexpected/)
})

t.test('a missing field and a wrong type are named', async (t) => {
  const response = await post({ count: '12' })
  t.equal(response.statusCode, 400)
  const paths = response.json().errors.map((error: { path: string }) => error.path).sort()
  t.same(paths, ['/body/count', '/body/name'], 'a string is not coerced to an integer in a JSON body')
})

t.test('malformed JSON is a 400 problem', async (t) => {
  const response = await post('{"name": "a",')
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
  const response = await post('name=a', { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(response.statusCode, 415)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  t.equal(response.json().code, 'unsupported_media_type')
})

t.test('a body over the limit is a 413 problem', async (t) => {
  const response = await post({ name: 'x'.repeat(4096) })
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
  const response = await app.inject({ method: 'GET', url: '/v1/probes/broken', headers: { 'x-request-id': 'trace-42' } })
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
  const unsafe = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'bad\nid' } })
  t.not(unsafe.headers['x-request-id'], 'bad\nid')
  const onError = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'lost-1' } })
  t.equal(onError.headers['x-request-id'], 'lost-1')
  t.equal(onError.json().instance, 'lost-1')
})
