import { readFile } from 'node:fs/promises'
import net from 'node:net'
import fc from 'fast-check'
import t from 'tap'
import { regionWorld } from '../helper.js'
import { couple } from '../registry/people.js'
import { hostileText, operationsOf, requestsFor, type FuzzContext, type FuzzRequest } from './openapi-arbitraries.js'

/**
 * Every operation of openapi/openapi.json, fuzzed: at least 10,000 requests built from
 * the document's own schemas and broken in their bodies, queries, paths and headers.
 * None may answer 5xx, and every error must be a problem document. The seed is printed;
 * FUZZ_SEED=<seed> replays a run, FUZZ_REQUESTS=<n> changes its size.
 */
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const wanted = Number(process.env.FUZZ_REQUESTS ?? 10_000)

const world = await regionWorld(t, { CLOCK: 'settable', RATE_LIMIT_PER_TOKEN: '10000000', RATE_LIMIT_AUTH_FAILURES: '10000000' })
const { api, app } = world
const registrar = await world.officer(['registrar', 'investigator'], world.villageA)
const household = await api.call(registrar.token, 'POST', '/v1/households', couple(world.villageA, 1))
const partner = await api.call(world.admin, 'POST', '/v1/partners', { name: '教育系统', department: '教育局', programs: ['GIRLS_PRIORITY'] })
const partnerToken = await api.call(world.admin, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})
const sacrificial = await world.officer(['auditor'], world.townB)
const screening = await api.call(world.admin, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.district, year: 2010 })
const importJob = await app.inject({
  method: 'POST', url: '/v1/imports/households', payload: 'household,regionCode\n',
  headers: { authorization: `Bearer ${registrar.token}`, 'content-type': 'text/csv' },
})
const document = JSON.parse(await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'))
const context: FuzzContext = {
  document,
  knownIds: [
    household.body.id, ...household.body.members.map((member: { id: string }) => member.id),
    registrar.id, partner.body.id, sacrificial.tokenId, sacrificial.id, screening.body.id, importJob.json().id,
  ],
  tokens: { admin: world.admin, registrar: registrar.token, partner: partnerToken.body.token },
}

t.test(`the document's operations, fuzzed (seed ${seed})`, async (t) => {
  const operations = operationsOf(document)
  const perOperation = Math.ceil(wanted / operations.length)
  const statuses = new Map<number, number>()
  let sent = 0
  let unsendable = 0
  const started = Date.now()
  t.comment(`seed ${seed}: ${operations.length} operations, ${perOperation} requests each`)

  for (const [index, operation] of operations.entries()) {
    const failures: string[] = []
    const details = await fc.check(fc.asyncProperty(requestsFor(context, operation), async (request: FuzzRequest) => {
      let response
      try {
        response = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) })
      } catch {
        unsendable++ // a request the client library itself will not build
        return true
      }
      sent++
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
      const fault = faultOf(response)
      if (fault) failures.push(`${request.method} ${request.url.slice(0, 200)} → ${fault}`)
      return fault === undefined
    }), { numRuns: perOperation, seed: seed + index, endOnFailure: true })
    t.notOk(details.failed, `${operation.method} ${operation.path}: no 5xx, every error a problem`, details.failed
      ? { failures: failures.slice(0, 3), replay: `FUZZ_SEED=${seed}`, report: fc.defaultReportMessage(details)?.slice(0, 2000) }
      : {})
  }

  const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ')
  t.comment(`seed ${seed}: ${sent} requests over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s (${unsendable} the client would not build); ${summary}`)
  t.ok(sent >= 10_000 || wanted < 10_000, `${sent} requests sent`)
  t.equal([...statuses.keys()].filter((status) => status >= 500).length, 0, 'no 5xx')
})

t.test(`raw bytes at the HTTP parser (seed ${seed})`, async (t) => {
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const port = Number(new URL(address).port)
  const line = fc.tuple(
    fc.constantFrom('GET', 'POST', 'PATCH', 'BREW', 'G\u0000T', ''),
    fc.oneof(fc.constantFrom('/v1/households', '/health/ready', '/v1/persons/%ZZ', `/v1/regions/${'9'.repeat(200)}`, '*', ''), hostileText.map((text) => `/${text}`)),
    fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 extra', ''),
    fc.array(fc.tuple(fc.constantFrom('Host', 'Content-Length', 'Transfer-Encoding', 'Authorization', 'Content-Type', 'X\u0000Y', 'Bad Name', ''), hostileText), { maxLength: 4 }),
    fc.oneof(hostileText, fc.constant('')),
  ).map(([method, target, version, headers, body]) =>
    `${method} ${target} ${version}\r\n${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`)
  let answered = 0
  const details = await fc.check(fc.asyncProperty(line, async (request) => {
    const answers = responsesIn(await raw(port, request))
    if (answers.length > 0) answered++ // else the parser waited for more, then the client hung up
    return answers.every(({ status, headers, body }) => {
      if (!(status < 500)) return false
      if (status < 400) return true
      if (!/^content-type: application\/problem\+json/im.test(headers)) return false
      try { return JSON.parse(body).status === status } catch { return false }
    })
  }), { numRuns: 400, seed, endOnFailure: true })
  t.notOk(details.failed, 'no 5xx, every refusal a problem', details.failed ? { report: fc.defaultReportMessage(details)?.slice(0, 2000) } : {})
  t.comment(`${answered} of 400 raw requests answered`)
})

/** What is wrong with an answer: a 5xx, or an error that is not a problem document. */
function faultOf (response: { statusCode: number, headers: Record<string, unknown>, body: string }): string | undefined {
  if (response.statusCode >= 500) return `${response.statusCode} ${response.body.slice(0, 300)}`
  if (response.statusCode < 400) return undefined
  if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) return `${response.statusCode} as ${String(response.headers['content-type'])}`
  try {
    const problem = JSON.parse(response.body)
    if (problem.status !== response.statusCode || typeof problem.code !== 'string' || typeof problem.detail !== 'string') return `${response.statusCode}: a problem without its fields`
  } catch {
    return `${response.statusCode}: a body that is not JSON`
  }
  return undefined
}

/** The responses in what came back on a connection: a request the parser read as two gets two. */
function responsesIn (text: string): Array<{ status: number, headers: string, body: string }> {
  const responses: Array<{ status: number, headers: string, body: string }> = []
  let rest = text
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(rest)?.[1])
    if (end === -1 || Number.isNaN(status)) return [...responses, { status: 0, headers: rest, body: '' }]
    const headers = rest.slice(0, end)
    const chunked = /^transfer-encoding: chunked/im.test(headers)
    const length = chunked ? rest.indexOf('0\r\n\r\n', end + 4) - end - 4 + 5 : Number(/^content-length: (\d+)/im.exec(headers)?.[1] ?? 0)
    responses.push({ status, headers, body: rest.slice(end + 4, end + 4 + length) })
    rest = rest.slice(end + 4 + length)
  }
  return responses
}

function raw (port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(Buffer.from(request, 'latin1')))
    let text = ''
    socket.setTimeout(2000, () => socket.destroy())
    socket.on('data', (chunk) => { text += chunk.toString('latin1') })
    socket.on('close', () => resolve(text))
    socket.on('error', () => resolve(text))
  })
}
