import { Writable } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import Type from 'typebox'
import { defineJob, enqueueJob, JobFailure, type JobDefinition, type JobRun } from '../../src/domain/jobs/define.js'
import { insertJob } from '../../src/domain/jobs/repo.js'
import { JobRunner, type JobRunnerOptions } from '../../src/domain/jobs/runner.js'
import { createLogger } from '../../src/logger.js'
import { regionWorld, serverUrl } from '../helper.js'

const world = await regionWorld(t)
const db = world.database.db
const { api } = world
const officerA = await world.officer(['registrar'], world.villageA)
const officerB = await world.officer(['registrar'], world.villageB)
const requestedBy = { kind: 'officer', id: officerA.id, name: '登记员' }
const quiet = world.app.log

const enqueue = (kind: string, input: Record<string, unknown> = {}) =>
  insertJob(db, { kind, regionCode: world.villageA, requestedBy, input })

const Anything = Type.Record(Type.String(), Type.Unknown())
const testJob = (kind: string, run: (run: JobRun<Record<string, unknown>>) => Promise<Record<string, unknown>>) => defineJob(kind, Anything, run)
const runnerOf = (options: JobRunnerOptions, ...definitions: JobDefinition[]) =>
  new JobRunner(db, { clock: world.app.clock, vault: world.app.pii }, quiet, definitions, options)

t.test('a queued job is claimed, reports progress and records its result', async (t) => {
  const seen: number[] = []
  const runner = runnerOf({ pollMs: 0 }, testJob('test.count', async ({ job, input, progress }) => {
    const total = Number(input.total)
    for (let done = 1; done <= total; done++) {
      await progress(done, total)
      seen.push((await api.call(officerA.token, 'GET', `/v1/jobs/${job.id}`)).body.done)
    }
    return { counted: total }
  }))
  const job = await enqueue('test.count', { total: 3 })
  const queued = await api.call(officerA.token, 'GET', `/v1/jobs/${job.id}`)
  t.match(queued.body, { id: job.id, kind: 'test.count', status: 'queued', done: 0, total: null, startedAt: null })
  t.equal(await runner.runPending(), 1)
  t.same(seen, [1, 2, 3], 'progress is visible while it runs')
  const finished = await api.call(officerA.token, 'GET', `/v1/jobs/${job.id}`)
  t.match(finished.body, { status: 'succeeded', done: 3, total: 3, result: { counted: 3 } })
  t.type(finished.body.finishedAt, 'string')
})

t.test('a job that throws is failed with its reason', async (t) => {
  const runner = runnerOf({ pollMs: 0 }, testJob('test.broken', async () => { throw new JobFailure('the file is not UTF-8') }))
  const job = await enqueue('test.broken')
  await runner.runPending()
  const failed = await api.call(officerA.token, 'GET', `/v1/jobs/${job.id}`)
  t.match(failed.body, { status: 'failed', error: 'the file is not UTF-8' })
  t.notOk('result' in failed.body)
})

t.test('an unexpected error\'s message stays out of the job and the log: it may quote the input', async (t) => {
  const lines: string[] = []
  const sink = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const runner = new JobRunner(db, { clock: world.app.clock, vault: world.app.pii }, createLogger('info', sink) as unknown as FastifyBaseLogger,
    [testJob('test.quoting', async () => { throw new Error('row 1: 张明 420102194501011235') })], { pollMs: 0 })
  const job = await enqueue('test.quoting')
  await runner.runPending()
  const failed = (await api.call(officerA.token, 'GET', `/v1/jobs/${job.id}`)).body
  t.match(failed, { status: 'failed', error: `the job stopped on an unexpected error; the service log has it under job ${job.id}` })
  t.notMatch(failed.error, '420102194501011235')
  t.notMatch(failed.error, '张明')
  const logged = lines.join('')
  t.match(logged, /"msg":"job failed"/)
  t.match(logged, /"errorType":"Error"/)
  t.notMatch(logged, '420102194501011235')
  t.notMatch(logged, '张明')
})

t.test('a job whose runner died is taken up again, and given up after three tries', async (t) => {
  let runs = 0
  const runner = runnerOf({ pollMs: 0, staleAfterMs: 1000 }, testJob('test.orphan', async () => { runs++; return { ok: true } }))
  const orphan = await enqueue('test.orphan')
  await sql`update jobs set status = 'running', attempts = 1, heartbeat_at = now() - interval '1 hour' where id = ${orphan.id}`.execute(db)
  const hopeless = await enqueue('test.orphan')
  await sql`update jobs set status = 'running', attempts = 3, heartbeat_at = now() - interval '1 hour' where id = ${hopeless.id}`.execute(db)
  const alive = await enqueue('test.orphan')
  await sql`update jobs set status = 'running', attempts = 1, heartbeat_at = now() where id = ${alive.id}`.execute(db)
  await runner.runPending()
  t.equal(runs, 1, 'only the orphan ran: the live one belongs to another runner')
  t.match((await api.call(officerA.token, 'GET', `/v1/jobs/${orphan.id}`)).body, { status: 'succeeded' })
  t.match((await api.call(officerA.token, 'GET', `/v1/jobs/${hopeless.id}`)).body, { status: 'failed', error: /abandoned/ })
  t.match((await api.call(officerA.token, 'GET', `/v1/jobs/${alive.id}`)).body, { status: 'running' })
})

t.test('a polling runner picks up work by itself', async (t) => {
  let ran!: () => void
  const done = new Promise<void>((resolve) => { ran = resolve })
  const runner = runnerOf({ pollMs: 20 }, testJob('test.poll', async () => { ran(); return {} }))
  runner.start()
  t.teardown(() => runner.stop())
  await enqueue('test.poll')
  await done
  t.pass('ran without being asked')
})

t.test('several runners share the work and never run a job twice', { skip: !serverUrl && 'the embedded engine has one session' }, async (t) => {
  const runs = new Map<string, number>()
  const runners = Array.from({ length: 4 }, () => runnerOf({ pollMs: 0 }, testJob('test.shared', async ({ job }) => {
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1)
    await sql`select pg_sleep(0.01)`.execute(db)
    return {}
  })))
  const jobs = await Promise.all(Array.from({ length: 40 }, () => enqueue('test.shared')))
  const ran = await Promise.all(runners.map((runner) => runner.runPending()))
  t.equal(ran.reduce((sum, n) => sum + n, 0), 40)
  t.ok(ran.filter((n) => n > 0).length > 1, `the work was shared: ${ran.join(', ')}`)
  t.ok(jobs.every((job) => runs.get(job.id) === 1), 'each job ran exactly once')
})

t.test('a job of another region is not found', async (t) => {
  const job = await enqueue('test.nobody')
  const response = await api.call(officerB.token, 'GET', `/v1/jobs/${job.id}`)
  t.equal(response.status, 404)
  t.equal(response.body.code, 'job_not_found')
})

t.test('a job is typed: its input is checked as it is queued and as it is run, and it acts as the officer who asked', async (t) => {
  const Count = Type.Object({ total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })
  let actedBy: unknown
  const counting = defineJob('test.typed', Count, async ({ input, acting }) => {
    actedBy = { name: acting.actor.name, id: acting.actor.id, role: acting.role, scope: acting.scope }
    return { total: input.total }
  })
  const acting = {
    actor: { kind: 'officer' as const, id: officerA.id, name: '登记员', roles: ['registrar' as const], regionCode: world.villageA, tokenId: officerA.tokenId, programs: [] },
    role: 'registrar' as const, scope: world.villageA, requestId: 'req-1', clock: world.app.clock,
  }
  await t.rejects(enqueueJob(db, acting, counting, { total: -1 } as never, { regionCode: world.villageA }), /input does not match/)
  t.equal(Number((await sql<{ n: string }>`select count(*) as n from jobs where kind = 'test.typed'`.execute(db)).rows[0]!.n), 0, 'nothing was queued')
  const queued = await enqueueJob(db, acting, counting, { total: 4 }, { regionCode: world.villageA })
  const stale = await enqueue('test.typed', { total: 'four' })
  await runnerOf({ pollMs: 0 }, counting).runPending()
  t.match((await api.call(officerA.token, 'GET', `/v1/jobs/${queued.id}`)).body, { status: 'succeeded', result: { total: 4 } })
  t.same(actedBy, { name: '登记员', id: officerA.id, role: 'registrar', scope: world.villageA })
  t.match((await api.call(officerA.token, 'GET', `/v1/jobs/${stale.id}`)).body, { status: 'failed', error: /does not match test.typed's schema at \/total/ })
})
