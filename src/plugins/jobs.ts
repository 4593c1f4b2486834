import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Clock } from '../domain/clock/clock.js'
import type { JobDefinition } from '../domain/jobs/define.js'
import { JobRunner } from '../domain/jobs/runner.js'
import { Job } from '../domain/jobs/schemas.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs long work claimed from the jobs table. */
    jobs: JobRunner
  }
}

/**
 * The job runner, with every kind of job the parts define: polls once the service is
 * ready (unless JOB_POLL_MS is 0: an instance that serves HTTP only), and finishes the
 * job in hand before the database closes.
 */
export default fp(async function jobs (app: FastifyInstance, options: {
  pollMs: number
  definitions: readonly JobDefinition[]
  /** Upkeep run on every poll, given the service's clock. */
  sweeps?: ReadonlyArray<(clock: Clock) => Promise<unknown>>
}) {
  // Every family that starts long work answers with a Job.
  app.addSchema(Job)
  const runner = new JobRunner(app.db, { clock: app.clock, vault: app.pii }, app.log, options.definitions, {
    pollMs: options.pollMs,
    sweeps: (options.sweeps ?? []).map((sweep) => () => sweep(app.clock)),
  })
  app.decorate('jobs', runner)
  app.addHook('onReady', async () => { runner.start() })
  app.addHook('preClose', async () => { await runner.stop() })
}, { name: 'jobs', dependencies: ['database', 'clock', 'pii'] })
