import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { inSubtree } from '../regions/scope.js'

export type JobRow = Awaited<ReturnType<typeof findJob>> & {}

export interface NewJob {
  kind: string
  regionCode: string
  requestedBy: { kind: string, id: string | null, name: string } & Record<string, unknown>
  input?: Record<string, unknown>
  payload?: Buffer
  total?: number | null
}

export function insertJob (db: Kysely<DB>, job: NewJob) {
  return db.insertInto('jobs').values({
    kind: job.kind,
    region_code: job.regionCode,
    requested_by: JSON.stringify(job.requestedBy),
    input: JSON.stringify(job.input ?? {}),
    payload: job.payload ?? null,
    total: job.total ?? null,
  }).returningAll().executeTakeFirstOrThrow()
}

export function findJob (db: Kysely<DB>, id: string, scope: string) {
  return db.selectFrom('jobs').selectAll()
    .where('id', '=', id)
    .where(inSubtree('region_code', scope))
    .executeTakeFirst()
}

/** Gives up on jobs whose runner died too often: they would only kill the next one. */
export function failAbandonedJobs (db: Kysely<DB>, staleAfterMs: number, maxAttempts: number) {
  return sql`
    update jobs set status = 'failed', finished_at = now(),
           error = 'abandoned: its runner stopped ' || attempts || ' times without finishing'
     where status = 'running' and heartbeat_at < now() - ${staleAfterMs} * interval '1 millisecond' and attempts >= ${maxAttempts}
  `.execute(db)
}

/**
 * Claims the oldest job of the given kinds that is queued, or running without a
 * heartbeat for staleAfterMs (its runner died). SKIP LOCKED lets every instance claim
 * at once without waiting for each other or taking the same job.
 */
export async function claimJob (db: Kysely<DB>, kinds: string[], staleAfterMs: number) {
  if (kinds.length === 0) return undefined
  const { rows } = await sql<JobRow>`
    update jobs
       set status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(), attempts = attempts + 1
     where id = (
       select id from jobs
        where kind in (${sql.join(kinds)})
          and (status = 'queued' or (status = 'running' and heartbeat_at < now() - ${staleAfterMs} * interval '1 millisecond'))
        order by created_at
        limit 1
        for update skip locked
     )
    returning *
  `.execute(db)
  return rows[0]
}

export function reportProgress (db: Kysely<DB>, id: string, done: number, total: number | null | undefined) {
  return db.updateTable('jobs')
    .set((eb) => ({ done, total: total === undefined ? eb.ref('total') : total, heartbeat_at: sql<Date>`now()` }))
    .where('id', '=', id).where('status', '=', 'running')
    .execute()
}

export function finishJob (db: Kysely<DB>, id: string, outcome: { result: Record<string, unknown> } | { error: string }) {
  return db.updateTable('jobs')
    .set((eb) => 'result' in outcome
      ? { status: 'succeeded', result: JSON.stringify(outcome.result), finished_at: sql<Date>`now()`, done: eb.fn.coalesce('total', 'done') }
      : { status: 'failed', error: outcome.error, finished_at: sql<Date>`now()` })
    .where('id', '=', id).where('status', '=', 'running')
    .execute()
}
