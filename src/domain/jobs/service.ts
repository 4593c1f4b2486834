import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { ProblemError } from '../../http/problem.js'
import type { AuditContext } from '../audit/context.js'
import { findJob, type JobRow, type NewJob } from './repo.js'

export function toJob (row: JobRow) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    done: row.done,
    total: row.total,
    ...(row.result ? { result: row.result } : {}),
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  }
}

export async function getJob (db: Kysely<DB>, id: string, scope: string) {
  const row = await findJob(db, id, scope)
  if (!row) throw new ProblemError(404, 'job_not_found', `No job ${id} in your region.`)
  return toJob(row)
}

/** Who asked for a job, as the job records it: the caller of the request. */
export function requesterOf (context: AuditContext): NewJob['requestedBy'] {
  return { kind: context.actor.kind, id: context.actor.id, name: context.actor.name }
}
