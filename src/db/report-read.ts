import { sql, type Kysely } from 'kysely'
import type { DB } from './types.js'

/**
 * Runs a report's read in a read-only transaction of its own, set for a report that
 * runs its statements side by side, one connection each (the yearly summary's five):
 * no parallel workers, as the statements already share the cores among them and the
 * workers only contended for them; no JIT compilation, which cost 10–250 ms a
 * statement against statements of 0.2–0.6 s; and room to group a district's
 * persons in memory (64 MB), where the default 4 MB spilled to disk. Inside a caller's
 * transaction the read joins it as it is.
 */
export function reportRead<T> (db: Kysely<DB>, read: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return read(db)
  return db.transaction().setAccessMode('read only').execute(async (trx) => {
    await sql`select set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`.execute(trx)
    return read(trx)
  })
}
