import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import t, { type Test } from 'tap'
import { followJob, type Job } from '../../src/cli/follow-job.js'

/** A service whose GET /v1/jobs/{id} answers the given states in turn, the last one for ever. */
async function serviceAnswering (t: Test, states: Array<Partial<Job<unknown>>>, onAsk = () => {}) {
  let asked = 0
  const server = createServer((request, response) => {
    const state = states[Math.min(asked++, states.length - 1)]!
    onAsk()
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ id: 'j', status: 'running', total: 9000, ...state }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function capture (isTTY: boolean) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean, columns?: number, cursorTo: () => boolean, clearLine: () => boolean, moveCursor: () => boolean }
  out.isTTY = isTTY
  out.columns = 120
  out.cursorTo = () => true
  out.clearLine = () => true
  out.moveCursor = () => true
  let text = ''
  out.on('data', (chunk) => { text += chunk })
  return { out: out as unknown as NodeJS.WriteStream, text: () => text }
}

t.test('without a terminal: a line at every tenth of the way, and the last', async (t) => {
  const states = [0, 450, 900, 1000, 2500, 2600, 2700, 4600, 9000].map((done) => ({ done }))
  const url = await serviceAnswering(t, [...states, { done: 9000, status: 'succeeded' }])
  const { out, text } = capture(false)
  const job = await followJob({ url, token: 'x', out }, { id: 'j', status: 'queued', done: 0, total: null }, 'importing', 'rows', { pollMs: 1 })
  t.equal(job.status, 'succeeded')
  t.same(text().trim().split('\n'), [
    '0/9000 rows (0%)',
    '900/9000 rows (10%)',
    '2500/9000 rows (27%)',
    '2700/9000 rows (30%)',
    '4600/9000 rows (51%)',
    '9000/9000 rows (100%)',
  ])
})

t.test('without a terminal: a slow job gets a line at least every 5 s while it moves', async (t) => {
  // Each poll is 3 s after the last; all of them within the first tenth.
  let clock = 0
  const url = await serviceAnswering(t, [{ done: 10 }, { done: 20 }, { done: 30 }, { done: 30 }, { done: 40 }, { done: 9000, status: 'succeeded' }], () => { clock += 3000 })
  const { out, text } = capture(false)
  await followJob({ url, token: 'x', out }, { id: 'j', status: 'queued', done: 0, total: null }, 'importing', 'rows', { pollMs: 1, now: () => clock })
  t.same(text().trim().split('\n'), ['10/9000 rows (0%)', '30/9000 rows (0%)', '40/9000 rows (0%)', '9000/9000 rows (100%)'])
})

t.test('on a terminal: the bar moves through the values the job reports', async (t) => {
  const url = await serviceAnswering(t, [{ done: 3000 }, { done: 6000 }, { done: 9000, status: 'succeeded' }])
  const { out, text } = capture(true)
  await followJob({ url, token: 'x', out }, { id: 'j', status: 'queued', done: 0, total: null }, 'importing', 'rows', { pollMs: 150 })
  for (const value of ['3000/9000 rows', '6000/9000 rows', '9000/9000 rows']) t.match(text(), value)
})
