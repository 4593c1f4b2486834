import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Clock } from '../clock/clock.js'
import type { PiiVault } from '../registry/pii.js'
import { isConnectionLost } from '../../db/errors.js'
import { ProblemError } from '../../http/problem.js'
import { actingOfJob, inputOf, JobFailure, type JobDefinition } from './define.js'
import { claimJob, failAbandonedJobs, finishJob, reportProgress } from './repo.js'

export interface JobRunnerOptions {
  /** How often to look for work; 0 means only when runPending() is called. */
  pollMs: number
  /** A running job whose heartbeat is older than this is taken to be orphaned. */
  staleAfterMs?: number
  maxAttempts?: number
  /**
   * Set-based upkeep run on every poll before looking for jobs (cases whose notice has
   * ended moving on): cheap when there is nothing to do.
   */
  sweeps?: ReadonlyArray<() => Promise<unknown>>
}

/**
 * Runs jobs from the jobs table, one at a time per instance. Every instance runs one,
 * so work spreads over instances and survives the loss of any of them.
 */
export class JobRunner {
  readonly #definitions: ReadonlyMap<string, JobDefinition>
  #timer: NodeJS.Timeout | undefined
  #current: Promise<unknown> = Promise.resolve()
  #stopped = false

  constructor (
    private readonly db: Kysely<DB>,
    private readonly services: { clock: Clock, vault: PiiVault },
    private readonly log: FastifyBaseLogger,
    definitions: readonly JobDefinition[],
    private readonly options: JobRunnerOptions,
  ) {
    this.#definitions = new Map(definitions.map((definition) => [definition.kind, definition]))
  }

  start (): void {
    if (this.options.pollMs > 0) this.#schedule()
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop (): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#current
  }

  /** Runs jobs until none is waiting; answers how many ran. */
  async runPending (): Promise<number> {
    let ran = 0
    while (await this.runNext()) ran++
    return ran
  }

  /** Claims and runs one job; false when there was none. */
  async runNext (): Promise<boolean> {
    const run = this.#current.then(() => this.#claimAndRun())
    this.#current = run.catch(() => undefined)
    return run
  }

  #schedule (): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.sweep().then(() => this.runPending())
        .catch((error: unknown) => this.log.error({ err: error }, 'job runner failed to claim work'))
        .finally(() => this.#schedule())
    }, this.options.pollMs)
    this.#timer.unref()
  }

  /** Runs the sweeps; a failing one is logged and does not stop the others or the jobs. */
  async sweep (): Promise<void> {
    for (const sweep of this.options.sweeps ?? []) {
      await sweep().catch((error: unknown) => this.log.error({ err: error }, 'sweep failed'))
    }
  }

  async #claimAndRun (): Promise<boolean> {
    const staleAfterMs = this.options.staleAfterMs ?? 60_000
    await failAbandonedJobs(this.db, staleAfterMs, this.options.maxAttempts ?? 3)
    const job = await claimJob(this.db, [...this.#definitions.keys()], staleAfterMs)
    if (!job) return false
    const definition = this.#definitions.get(job.kind)!
    const heartbeat = setInterval(() => { void reportProgress(this.db, job.id, job.done, undefined).catch(() => undefined) }, Math.max(staleAfterMs / 4, 50))
    heartbeat.unref()
    const started = Date.now()
    try {
      const result = await definition.run({
        job,
        input: inputOf(definition, job),
        db: this.db,
        acting: actingOfJob(job, this.services.clock),
        vault: this.services.vault,
        progress: async (done, total) => {
          job.done = done
          await reportProgress(this.db, job.id, done, total)
        },
      })
      await finishJob(this.db, job.id, { result })
      this.log.info({ jobId: job.id, kind: job.kind, durationMs: Date.now() - started }, 'job succeeded')
    } catch (error) {
      await finishJob(this.db, job.id, { error: jobErrorOf(error, job.id) })
      // Neither message goes to the log: an unexpected one can quote the job's input.
      const stack = (error as Error).stack?.split('\n').slice(1).join('\n')
      const code = (error as { code?: unknown }).code
      this.log.warn({ jobId: job.id, kind: job.kind, errorType: (error as Error).name, ...(typeof code === 'string' ? { errorCode: code } : {}), stack }, 'job failed')
    } finally {
      clearInterval(heartbeat)
    }
    return true
  }
}

/**
 * What a failed job says: a JobFailure's or a refusal's own message, written to be read;
 * for anything else, only its kind, since its message may quote the input.
 */
export function jobErrorOf (error: unknown, jobId: string): string {
  if (error instanceof JobFailure || error instanceof ProblemError) return error.message
  if (isConnectionLost(error)) return 'the job stopped: the database connection was lost'
  const code = (error as { code?: unknown }).code
  const kind = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `a database error (SQLSTATE ${code})` : 'an unexpected error'
  return `the job stopped on ${kind}; the service log has it under job ${jobId}`
}
