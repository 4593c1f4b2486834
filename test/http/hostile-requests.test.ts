import net from 'node:net'
import t, { type Test } from 'tap'
import { couple } from '../registry/people.js'
import { regionWorld } from '../helper.js'

/**
 * Requests a careless or hostile client sends: text the database cannot hold, cursors
 * and integers it cannot take, URLs and headers the HTTP layer refuses, a body that
 * never finishes. Each is answered with a problem document, never a 5xx.
 */
const world = await regionWorld(t, { REQUEST_TIMEOUT_MS: '2000' })
const { api, app } = world
const registrar = await world.officer(['registrar'], world.villageA)
const household = await api.call(registrar.token, 'POST', '/v1/households', couple(world.villageA, 1))
const head = household.body.members[0]
const address = await app.listen({ port: 0, host: '127.0.0.1' })
const port = Number(new URL(address).port)

const isProblem = (t: Test, response: { headers: Record<string, unknown> }) =>
  t.match(response.headers['content-type'], /^application\/problem\+json/, 'a problem document')

t.test('NUL and lone surrogates are refused at validation, naming the field', async (t) => {
  const body = (name: string) => ({ ...couple(world.villageA, 2), address: name })
  for (const [what, text] of [['NUL', 'a\u0000b'], ['a lone high surrogate', 'a\ud800b'], ['a lone low surrogate', '\udc00']] as const) {
    const refused = await api.call(registrar.token, 'POST', '/v1/households', body(text))
    t.equal(refused.status, 400, `${what} in a body`)
    t.equal(refused.body.code, 'validation_failed')
    t.same(refused.body.errors.map((error: { path: string }) => error.path), ['/body/address'])
  }
  const nested = couple(world.villageA, 3)
  nested.members[1]!.name = '李\u0000芳'
  const member = await api.call(registrar.token, 'POST', '/v1/households', nested)
  t.same(member.body.errors.map((error: { path: string }) => error.path), ['/body/members/1/name'])
  const query = await api.call(registrar.token, 'GET', '/v1/households?name=%E5%BC%A0%00')
  t.equal(query.status, 400, 'NUL in a query')
  t.same(query.body.errors.map((error: { path: string }) => error.path), ['/query/name'])
  const surrogateQuery = await api.call(registrar.token, 'GET', `/v1/persons?idNumber=${encodeURIComponent('42010219')}%ED%A0%80`)
  t.ok(surrogateQuery.status < 500 && surrogateQuery.status >= 400, 'broken UTF-8 in a query is refused')
  const patched = await app.inject({
    method: 'PATCH', url: `/v1/persons/${head.id}`, payload: { name: '张\ud83d' },
    headers: { authorization: `Bearer ${registrar.token}`, 'if-match': '"1"' },
  })
  t.equal(patched.statusCode, 400)
  t.same(patched.json().errors.map((error: { path: string }) => error.path), ['/body/name'])
  t.notMatch(patched.body, /张/, 'the value is not quoted back')
})

t.test('a body nested deeper than any schema goes is refused before it is validated', async (t) => {
  const deepMembers = JSON.stringify({ ...couple(world.villageA, 5), members: ['MEMBER'] }).replace('"MEMBER"', `${'{"all":['.repeat(3000)}{}${']}'.repeat(3000)}`)
  for (const payload of [`${'['.repeat(5000)}${']'.repeat(5000)}`, deepMembers]) {
    const response = await app.inject({
      method: 'POST', url: '/v1/households', payload,
      headers: { authorization: `Bearer ${registrar.token}`, 'content-type': 'application/json' },
    })
    t.equal(response.statusCode, 400)
    t.match(response.json(), { code: 'validation_failed', detail: /must not be nested more than 64 levels deep/ })
  }
  const rule = await app.inject({
    method: 'POST', url: '/v1/programs/RURAL_REWARD/rule-versions',
    payload: `{"rules":${'{"not":'.repeat(3000)}{"id":"a","label":"a","fact":"age","op":">=","value":1}${'}'.repeat(3000)}}`,
    headers: { authorization: `Bearer ${world.admin}`, 'content-type': 'application/json' },
  })
  t.equal(rule.statusCode, 400, 'a rule tree 3,000 levels deep')
})

t.test('a cursor is checked after it is decoded', async (t) => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  for (const [collection, cursor] of [
    ['/v1/households', 'ImFiYyI'], // "abc": a string, not a household id
    ['/v1/households', encode('00000000-0000-0000-0000-00000000000g')],
    ['/v1/officers', encode(12)],
    [`/v1/regions/${world.district}/children`, encode('420102.001\u0000')],
    [`/v1/regions/${world.district}/children`, encode('\ud800')],
    ['/v1/audit-events', encode('1')],
    // Collections ordered by a uuid: a string that is not one never reaches the database.
    ['/v1/cases', 'ImFiYyI'],
    ['/v1/objections', 'ImFiYyI'],
    ['/v1/fund-allocations', 'ImFiYyI'],
    ['/v1/payment-batches', 'ImFiYyI'],
  ] as const) {
    const refused = await api.call(world.admin, 'GET', `${collection}?cursor=${cursor}`)
    t.equal(refused.status, 400, `${collection} ${cursor}`)
    t.equal(refused.body.code, 'invalid_cursor')
    t.same(refused.body.errors, [{ path: '/query/cursor', message: 'The cursor is not one this collection gave out.' }])
  }
})

t.test('integers are bounded to what the column holds', async (t) => {
  for (const version of ['2147483648', '9007199254740993', '99999999999999999999']) {
    const refused = await api.call(world.admin, 'GET', `/v1/programs/RURAL_REWARD/rule-versions/${version}`)
    t.equal(refused.status, 400, version)
    t.same(refused.body.errors.map((error: { path: string }) => error.path), ['/path/version'])
  }
  t.equal((await api.call(world.admin, 'GET', '/v1/programs/RURAL_REWARD/rule-versions/2147483647')).status, 404, 'the largest int32 is a version that does not exist')
  const transition = await api.call(world.admin, 'POST', '/v1/programs/RURAL_REWARD/rule-versions/4294967296/transitions', { action: 'activate' })
  t.equal(transition.status, 400)
})

t.test('dates and ids the database cannot take are refused at validation', async (t) => {
  const household = couple(world.villageA, 4)
  const refused = await api.call(registrar.token, 'POST', '/v1/households', { ...household, members: [{ ...household.members[0]!, deathDate: '0000-01-01' }] })
  t.equal(refused.status, 400)
  t.same(refused.body.errors.map((error: { path: string }) => error.path), ['/body/members/0/deathDate'])
  const leap = await api.call(world.admin, 'PUT', '/v1/clock', { now: '2016-12-31T23:59:60Z' })
  t.equal(leap.status, 400, 'a leap second: RFC 3339 allows it, a Date cannot hold it')
  t.same(leap.body.errors.map((error: { path: string }) => error.path), ['/body/now'])
  const urn = await api.call(registrar.token, 'GET', `/v1/persons/urn:uuid:${head.id}`)
  t.equal(urn.status, 400)
  t.same(urn.body.errors.map((error: { path: string }) => error.path), ['/path/id'])
})

t.test('the framework\'s and the HTTP parser\'s refusals are problems too', async (t) => {
  const badUrl = await fetch(`${address}/v1/regions/%ZZ`)
  t.equal(badUrl.status, 400)
  isProblem(t, { headers: Object.fromEntries(badUrl.headers) })
  t.match(await badUrl.json(), { code: 'bad_url', status: 400 })
  t.equal(badUrl.headers.get('cache-control'), 'no-store')
  t.ok(badUrl.headers.get('x-request-id'), 'with its request id')

  const longParameter = 'x'.repeat(500)
  const tooLong = await fetch(`${address}/v1/persons/${longParameter}`)
  t.equal(tooLong.status, 414)
  const tooLongBody = await tooLong.text()
  t.match(JSON.parse(tooLongBody), { code: 'uri_too_long', status: 414 })
  t.notMatch(tooLongBody, longParameter, 'the path is not echoed')

  const hugeQuery = await raw(port, `GET /v1/households?name=${'a'.repeat(60 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`)
  t.match(hugeQuery, /^HTTP\/1\.1 431 /)
  t.match(hugeQuery, /content-type: application\/problem\+json/i)
  t.match(problemOf(hugeQuery), { code: 'headers_too_large', status: 431 })

  for (const garbage of ['BREW /v1 HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n', 'GET /\u0000 HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n']) {
    const answer = await raw(port, garbage)
    t.match(answer, /^HTTP\/1\.1 400 /, JSON.stringify(garbage))
    t.match(problemOf(answer), { code: 'bad_request', status: 400 })
  }
})

t.test('the request timeout is enforced within a second or two of its setting', async (t) => {
  const started = Date.now()
  const socket = net.connect(port, '127.0.0.1')
  const body = JSON.stringify(couple(world.villageA, 9))
  socket.write(`POST /v1/households HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${registrar.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`)
  let sent = 0
  const drip = setInterval(() => { if (sent < body.length && socket.writable) socket.write(body[sent++]!) }, 250)
  const answer = await new Promise<string>((resolve) => {
    let text = ''
    socket.on('data', (chunk) => { text += chunk })
    socket.on('close', () => resolve(text))
    socket.on('error', () => resolve(text))
  })
  clearInterval(drip)
  const elapsed = Date.now() - started
  t.match(answer, /^HTTP\/1\.1 408 /)
  t.match(problemOf(answer), { code: 'request_timeout', status: 408 })
  t.ok(elapsed >= 2000 && elapsed < 4000, `answered after ${elapsed} ms with REQUEST_TIMEOUT_MS=2000`)
})

t.test('security headers, and no-store on every answer carrying personal data', async (t) => {
  const job = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: 'household,regionCode\n',
    headers: { authorization: `Bearer ${registrar.token}`, 'content-type': 'text/csv' },
  })
  for (const url of [
    `/v1/households/${household.body.id}`, '/v1/households', `/v1/persons/${head.id}`, `/v1/persons?idNumber=${head.idNumber}`,
    `/v1/persons/${head.id}/events`, `/v1/persons/${head.id}/bank-account`, `/v1/jobs/${job.json().id}`, '/v1/audit-events',
  ]) {
    const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${url === '/v1/audit-events' ? world.admin : registrar.token}` } })
    t.ok(response.statusCode < 500, `${url}: ${response.statusCode}`)
    t.equal(response.headers['cache-control'], 'no-store', `${url} is not kept by any cache`)
    t.equal(response.headers['x-content-type-options'], 'nosniff')
    t.match(response.headers['content-security-policy'], /default-src 'none'/)
    t.match(response.headers['x-frame-options'], /SAMEORIGIN|DENY/)
  }
  const refused = await app.inject({ method: 'GET', url: `/v1/households/${household.body.id}` })
  t.equal(refused.statusCode, 401)
  t.equal(refused.headers['x-content-type-options'], 'nosniff', 'errors carry them too')
  t.equal(refused.headers['cache-control'], 'no-store')

  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  const policy = String(docs.headers['content-security-policy'])
  t.match(policy, /script-src 'self'/, 'the docs page may run Swagger UI\'s own scripts, from the service itself')
  t.notMatch(policy, /unsafe-inline|unsafe-eval/)
  t.notMatch(policy, /default-src 'none'/)
  t.notMatch(policy, /upgrade-insecure-requests/)
})

/** Sends bytes as they are and answers what came back before the connection closed. */
function raw (port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request))
    let text = ''
    socket.on('data', (chunk) => { text += chunk })
    socket.on('close', () => resolve(text))
    socket.on('error', () => resolve(text))
  })
}

function problemOf (answer: string): unknown {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))
}
