import type { Kysely } from 'kysely'
import type { DB, RegionLevel } from '../../db/types.js'
import { inSubtree } from './scope.js'

export function findRegion (db: Kysely<DB>, code: string, scope: string, lock = false) {
  const query = db.selectFrom('regions').selectAll()
    .where('code', '=', code)
    .where(inSubtree('code', scope))
  return (lock ? query.forUpdate() : query).executeTakeFirst()
}

export function updateRegion (db: Kysely<DB>, code: string, changes: { name?: string | undefined, report_phone?: string | null | undefined }) {
  return db.updateTable('regions')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('code', '=', code)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Inserts a region; undefined when the code is taken. */
export function insertRegion (db: Kysely<DB>, region: { code: string, name: string, level: RegionLevel, parentCode: string | null, reportPhone?: string | undefined }) {
  return db.insertInto('regions')
    .values({ code: region.code, name: region.name, level: region.level, parent_code: region.parentCode, report_phone: region.reportPhone ?? null })
    .onConflict((conflict) => conflict.column('code').doNothing())
    .returningAll()
    .executeTakeFirst()
}

export function listChildren (db: Kysely<DB>, parentCode: string, limit: number, after: string | undefined) {
  let query = db.selectFrom('regions').selectAll()
    .where('parent_code', '=', parentCode)
    .orderBy('code')
    .limit(limit + 1)
  if (after !== undefined) query = query.where('code', '>', after)
  return query.execute()
}
