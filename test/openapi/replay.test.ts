import { randomUUID } from 'node:crypto'
import t from 'tap'
import { workflowWorld } from '../workflow/world.js'
import { conformanceOf, operationsOf, type Document } from './conformance.js'

// Every operation of the document, called the ways a client gets it wrong and right,
// each live answer checked against what the document declares for it: status, media
// type and body schema.
// Hundreds of calls without a token from one address: its limit on failed
// authentications is raised so that each answers 401, not 429.
const world = await workflowWorld(t, { RATE_LIMIT_AUTH_FAILURES: '100000' })
const { app, admin, registrar } = world
const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document
const conformance = conformanceOf(document)

const { head, household } = await world.elderlyCouple()
const caseId = await world.register(head)
/** An officer of the district holding every role, so that a body's refusal is not hidden behind a role's. */
const everyRole = await world.officer(['admin', 'registrar', 'investigator', 'reviewer', 'confirmer', 'finance_officer', 'finance_approver', 'auditor'], world.district, '全能')

/** Real ids where the world has them, so that the right answers are replayed too; a fresh uuid elsewhere. */
function urlOf (path: string): string {
  const known: Array<[RegExp, string]> = [
    [/^\/v1\/households\/\{id\}/, household],
    [/^\/v1\/persons\/\{id\}/, head],
    [/^\/v1\/cases\/\{id\}/, caseId],
    [/^\/v1\/officers\/\{id\}/, registrar.id],
    [/^\/v1\/regions\/\{code\}/, world.villageA],
    [/^\/v1\/programs\/\{code\}/, 'RURAL_REWARD'],
  ]
  const first = known.find(([pattern]) => pattern.test(path))?.[1]
  return path
    .replace(/\{(id|code)\}/, first ?? randomUUID())
    .replace('{version}', '1')
    .replace('{reference}', 'VQ-NOSUCHREFERENCE')
}

const isSecured = (security: unknown[] | undefined) => (security ?? document.security ?? []).length > 0
const takesJson = (operation: { requestBody?: { content: Record<string, unknown> } }) => Boolean(operation.requestBody?.content['application/json'])

t.test('every answer of every operation is one the document declares, with the body it declares', async (t) => {
  let answers = 0
  for (const [method, path, operation] of operationsOf(document)) {
    const url = urlOf(path)
    const send = async (headers: Record<string, string>, payload?: string | Buffer) => {
      const answer = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) })
      answers++
      return { answer, problems: conformance(method, path, answer) }
    }
    const json = takesJson(operation) ? '{}' : undefined
    const jsonHeaders: Record<string, string> = json === undefined ? {} : { 'content-type': 'application/json' }

    if (isSecured(operation.security)) {
      const { answer, problems } = await send(jsonHeaders, json)
      t.equal(answer.statusCode, 401, `${method} ${path} without a token`)
      t.same(problems, [], `${method} ${path} without a token conforms`)
    }
    for (const token of [admin, registrar.token, everyRole.token]) {
      const { problems } = await send({ authorization: `Bearer ${token}`, ...jsonHeaders }, json)
      t.same(problems, [], `${method} ${path} conforms`)
    }
    if (takesJson(operation)) {
      const plain = await send({ authorization: `Bearer ${everyRole.token}`, 'content-type': 'text/plain' }, 'name=张明')
      t.equal(plain.answer.statusCode, 415, `${method} ${path} with a text/plain body answers ${plain.answer.statusCode}`)
      t.same(plain.problems, [], `${method} ${path} 415 conforms`)
      const large = await send({ authorization: `Bearer ${everyRole.token}`, 'content-type': 'application/json' }, JSON.stringify({ note: 'x'.repeat(1_100_000) }))
      t.equal(large.answer.statusCode, 413, `${method} ${path} with a body over the limit answers ${large.answer.statusCode}`)
      t.same(large.problems, [], `${method} ${path} 413 conforms`)
    }
  }
  t.ok(answers > 300, `${answers} answers replayed`)
})

t.test('If-Match follows RFC 9110: * matches the current version, comparison is strong, a list may name it', async (t) => {
  const url = `/v1/households/${household}`
  const patch = (ifMatch: string | undefined, address: string) => app.inject({
    method: 'PATCH',
    url,
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
    payload: JSON.stringify({ address }),
  })
  const version = Number(JSON.parse((await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } })).headers.etag as string))
  const missing = await patch(undefined, '一组')
  t.equal(missing.statusCode, 428)
  t.equal(missing.json().code, 'if_match_required')
  const weak = await patch(`W/"${version}"`, '二组')
  t.equal(weak.statusCode, 412, 'a weak tag never matches by strong comparison')
  t.same(conformance('PATCH', '/v1/households/{id}', weak), [])
  const listed = await patch(`"${version + 7}", "${version}"`, '三组')
  t.equal(listed.statusCode, 200, 'one of a list of tags matching is enough')
  t.equal(listed.headers.etag, `"${version + 1}"`)
  const any = await patch('*', '四组')
  t.equal(any.statusCode, 200, '* matches whichever version is current')
  t.equal(any.json().address, '四组')
  t.equal((await patch(`"${version}"`, '五组')).statusCode, 412, 'a stale version still fails')
})

t.test('an optional body may be left out', async (t) => {
  const issued = await app.inject({ method: 'POST', url: `/v1/officers/${registrar.id}/tokens`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(issued.statusCode, 201)
  t.same(conformance('POST', '/v1/officers/{id}/tokens', issued), [])
  t.equal(document.paths['/v1/officers/{id}/tokens']!.post!.requestBody!.required, false, 'the document says so')
})
