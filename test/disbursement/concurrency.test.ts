import t from 'tap'
import { DISBURSEMENT_JOBS } from '../../src/domain/disbursement/jobs.js'
import { JobRunner } from '../../src/domain/jobs/runner.js'
import { serverUrl } from '../helper.js'
import { moneyWorld } from './world.js'

const world = await moneyWorld(t)
const { api, app, financeOfficer } = world

// Five beneficiaries with accounts, each owed RURAL_REWARD 720.00 for 2010.
const couples = [] as Array<{ head: string }>
for (let index = 0; index < 5; index++) couples.push(await world.elderlyCouple())
await world.beneficiaries(couples.map((each) => each.head))
for (const each of couples) await world.account(each.head)
await world.moveClock('2011-01-10')

const post = (key: string, body: Record<string, unknown> = { programCode: 'RURAL_REWARD', period: '2010' }) => app.inject({
  method: 'POST', url: '/v1/payment-batches', payload: body,
  headers: { authorization: `Bearer ${financeOfficer.token}`, 'idempotency-key': key },
})

/**
 * Runs the queued jobs. On PostgreSQL eight runners claim them at once (SKIP LOCKED), so
 * batches are made concurrently; the embedded engine has one session, where they run one
 * after the other whatever the runners do, so one runner does.
 */
async function runJobs (): Promise<void> {
  const runners = Array.from({ length: serverUrl ? 8 : 1 }, () => new JobRunner(app.db, { clock: app.clock, vault: app.pii }, app.log, DISBURSEMENT_JOBS, { pollMs: 0 }))
  await Promise.all(runners.map((runner) => runner.runPending()))
}

async function heldPayments () {
  return world.database.db.selectFrom('payments').select(['person_id', 'period']).where('status', 'in', ['pending', 'paid']).execute()
}

t.test('200 concurrent requests with one key: one job, one batch, one payment each', async (t) => {
  const answers = await Promise.all(Array.from({ length: 200 }, () => post('batch-2010-once')))
  const accepted = answers.filter((answer) => answer.statusCode === 202)
  const jobIds = new Set(accepted.map((answer) => answer.json().id))
  t.equal(jobIds.size, 1, 'every 202 names the same job')
  t.ok(answers.every((answer) => answer.statusCode === 202 || (answer.statusCode === 409 && answer.json().code === 'idempotency_key_in_flight')),
    'the others were told the first is still running, or given its answer')
  t.ok(accepted.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length === accepted.length - 1, 'all but the first are replays')
  const replay = await post('batch-2010-once')
  t.same([replay.statusCode, replay.json().id, replay.headers.location], [202, [...jobIds][0], `/v1/jobs/${[...jobIds][0]}`], 'later, the same answer')
  const reused = await post('batch-2010-once', { programCode: 'RURAL_REWARD', period: '2010', regionCode: world.villageA })
  t.match([reused.statusCode, reused.json().code], [422, 'idempotency_key_reused'], 'the same key with another body')
  const jobs = await world.database.db.selectFrom('jobs').select('id').where('kind', '=', 'disbursement.batch').execute()
  t.equal(jobs.length, 1, 'one job was queued')
  await runJobs()
  const held = await heldPayments()
  t.equal(held.length, 5)
  t.equal(new Set(held.map((row) => row.person_id)).size, 5, 'one payment per beneficiary and period')
})

t.test(`200 concurrent requests with 200 keys: still one payment per beneficiary and period${serverUrl ? '' : ' (the embedded engine runs them one at a time)'}`, async (t) => {
  // Free the beneficiaries again: the batch above is cancelled.
  const [batch] = (await api.call(financeOfficer.token, 'GET', '/v1/payment-batches?status=draft')).body.items
  t.equal((await world.step(financeOfficer, batch.id, 'cancel', '重做')).body.status, 'cancelled')
  t.equal((await heldPayments()).length, 0)

  const answers = await Promise.all(Array.from({ length: 200 }, (_, index) => post(`batch-2010-${index}`)))
  t.ok(answers.every((answer) => answer.statusCode === 202), 'each key is a request of its own')
  t.equal(new Set(answers.map((answer) => answer.json().id)).size, 200, '200 jobs')
  await runJobs()
  const jobs = await world.database.db.selectFrom('jobs').select(['status', 'result']).where('kind', '=', 'disbursement.batch').execute()
  t.ok(jobs.every((job) => job.status === 'succeeded'), 'every job succeeded')
  const made = jobs.map((job) => job.result as { batchId: string | null, count: number }).filter((result) => result.batchId !== null && result.count > 0)
  t.equal(made.length, 2, 'the cancelled batch, and exactly one new one')
  const held = await heldPayments()
  t.same([held.length, new Set(held.map((row) => `${row.person_id} ${row.period}`)).size], [5, 5], 'exactly one pending payment per beneficiary and period')
})

t.test('any creating request honours the key: a fund allocation sent twice is made once', async (t) => {
  const allocate = (amount: string) => app.inject({
    method: 'POST', url: '/v1/fund-allocations', payload: { programCode: 'RURAL_REWARD', year: 2011, source: 'central', amount },
    headers: { authorization: `Bearer ${financeOfficer.token}`, 'idempotency-key': 'allocation-2011-central' },
  })
  const first = await allocate('5000.00')
  const again = await allocate('5000.00')
  t.same([first.statusCode, again.statusCode, again.headers['idempotent-replayed']], [201, 201, 'true'])
  t.equal(again.body, first.body, 'the first answer, byte for byte')
  t.equal((await allocate('6000.00')).json().code, 'idempotency_key_reused')
  const otherCaller = await app.inject({
    method: 'POST', url: '/v1/fund-allocations', payload: { programCode: 'RURAL_REWARD', year: 2011, source: 'central', amount: '5000.00' },
    headers: { authorization: `Bearer ${world.both.token}`, 'idempotency-key': 'allocation-2011-central' },
  })
  t.equal(otherCaller.json().code, 'allocation_exists', 'keys are each caller\'s own: another officer\'s same key is a new request')
  const bad = await app.inject({ method: 'POST', url: '/v1/fund-allocations', payload: { programCode: 'RURAL_REWARD', year: 2012, source: 'central', amount: '1.00' }, headers: { authorization: `Bearer ${financeOfficer.token}`, 'idempotency-key': 'bad key with spaces' } })
  t.match(bad.json(), { code: 'validation_failed', errors: [{ path: '/header/idempotency-key' }] })
  const stored = await world.database.db.selectFrom('idempotency_keys').select('response_body').where('key', '=', 'allocation-2011-central').executeTakeFirstOrThrow()
  t.notOk(stored.response_body!.toString('utf8').includes('RURAL_REWARD'), 'the stored answer is encrypted')
})
