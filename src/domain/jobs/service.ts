import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import type { Acting } from '../identity/acting.js'
import { jobNotFound } from './errors.js'
import { findJob, type JobRow } from './repo.js'

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

export async function getJob (db: Kysely<DB>, acting: Acting, id: string) {
  const row = await findJob(db, id, acting.scope)
  if (!row) throw jobNotFound(id)
  return toJob(row)
}
