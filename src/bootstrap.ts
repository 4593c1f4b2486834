import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'

export interface Prepared {
  /** Migrations applied by this call. */
  migrations: string[]
  /** True when this call created the root region, i.e. the database was brand new. */
  brandNew: boolean
}

/** Brings a database up to date: applies migrations (unless told not to) and seeds what a new database needs. */
export async function prepareDatabase (database: Database, config: Config): Promise<Prepared> {
  const migrations = config.MIGRATE_ON_START ? await migrateToLatest(database.db) : []
  const created = await database.db.insertInto('regions')
    .values({ code: config.DISTRICT_CODE, name: config.DISTRICT_NAME, level: 'district', parent_code: null })
    .onConflict((conflict) => conflict.doNothing())
    .returning('code')
    .executeTakeFirst()
  return { migrations, brandNew: created !== undefined }
}
