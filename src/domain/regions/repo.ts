import type { Kysely } from 'kysely'
import type { DB, RegionLevel } from '../../db/types.js'
import { inSubtree } from './scope.js'

export function findRegion (db: Kysely<DB>, code: string, scope: string) {
  return db.selectFrom('regions').selectAll()
    .where('code', '=', code)
    .where(inSubtree('code', scope))
    .executeTakeFirst()
}

/** Inserts a region; undefined when the code is taken. */
export function insertRegion (db: Kysely<DB>, region: { code: string, name: string, level: RegionLevel, parentCode: string | null }) {
  return db.insertInto('regions')
    .values({ code: region.code, name: region.name, level: region.level, parent_code: region.parentCode })
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
