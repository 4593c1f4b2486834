import { Writable } from 'node:stream'
import t from 'tap'
import Type from 'typebox'
import { build } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import { districtAdmin, testConfig, testDatabase } from '../helper.js'

const lines: Array<Record<string, unknown>> = []
const sink = new Writable({
  write (chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
    done()
  },
})

const config = testConfig({ LOG_LEVEL: 'info' })
const { database } = await testDatabase(t, config)
const app = await build({ config, database, logger: createLogger('info', sink) })
t.teardown(() => app.close())
const admin = await districtAdmin(database, config)

const ID_NUMBER = '420102193501011235'
await app.register(async (api) => {
  api.post('/probes/people', {
    config: { roles: ['admin'] },
    schema: { body: Type.Object({ name: Type.String(), idNumber: Type.String() }, { additionalProperties: false }) },
  }, async (request) => {
    request.log.info({ person: request.body }, 'an object with personal data reached a log call')
    // A database error quoting the row, as a constraint violation does.
    throw Object.assign(new Error('duplicate key value violates unique constraint "persons_id_hash"'), {
      detail: `Key (id_number)=(${ID_NUMBER}) already exists.`,
      params: [ID_NUMBER, '张明'],
    })
  })
}, { prefix: '/v1' })

t.test('each request is one JSON line with its id, route, status and duration', async (t) => {
  lines.length = 0
  await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'req-1' } })
  const requestLines = lines.filter((line) => line.msg === 'request')
  t.equal(requestLines.length, 1)
  t.match(requestLines[0], { requestId: 'req-1', method: 'GET', route: '/health/live', status: 200, durationMs: Number })
  t.notOk(lines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed'), 'no second line per request')
})

t.test('tokens, ID numbers and names never reach the log', async (t) => {
  lines.length = 0
  const response = await app.inject({
    method: 'POST',
    url: `/v1/probes/people?idNumber=${ID_NUMBER}`,
    headers: { authorization: `Bearer ${admin}`, cookie: 'session=abc', 'x-request-id': 'req-2' },
    payload: { name: '张明', idNumber: ID_NUMBER },
  })
  t.equal(response.statusCode, 500)
  const text = JSON.stringify(lines)
  t.ok(lines.length >= 3, 'the personal-data line, the error and the request were logged')
  t.notMatch(text, ID_NUMBER)
  t.notMatch(text, '张明')
  t.notMatch(text, admin)
  t.notMatch(text, 'session=abc')
  const failure = lines.find((line) => line.msg === 'request failed')
  t.match(failure, { requestId: 'req-2', err: { message: /persons_id_hash/ } }, 'the 5xx is logged with its request id')
  t.match(lines.find((line) => line.msg === 'request'), { route: '/v1/probes/people', status: 500 })
})
