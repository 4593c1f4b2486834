import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { clockFor } from './domain/clock/clock.js'
import { systemActing } from './domain/identity/acting.js'
import { createAdministrator } from './domain/identity/service.js'
import { seedCatalogue } from './domain/programs/service.js'

export interface Prepared {
  /** Migrations applied by this call. */
  migrations: string[]
  /** True when this call created the root region, i.e. the database was brand new. */
  brandNew: boolean
  /** On a brand-new embedded database: the first administrator's token, to be shown once. */
  adminToken?: string
}

/**
 * Brings a database up to date: applies migrations (unless told not to) and seeds
 * what a new database needs: the district, and the programme catalogue. On a brand-new embedded database it also creates the
 * first administrator; on PostgreSQL that is the operator's step (cli create-admin),
 * so that no token ends up in a server's logs.
 */
export async function prepareDatabase (database: Database, config: Config, options: { createAdmin?: boolean } = {}): Promise<Prepared> {
  const migrations = config.MIGRATE_ON_START ? await migrateToLatest(database.db) : []
  const created = await database.db.insertInto('regions')
    .values({ code: config.DISTRICT_CODE, name: config.DISTRICT_NAME, level: 'district', parent_code: null })
    .onConflict((conflict) => conflict.doNothing())
    .returning('code')
    .executeTakeFirst()
  const brandNew = created !== undefined
  const clock = clockFor(config.CLOCK, database.db)
  await seedCatalogue(database.db, systemActing('huimin catalogue', config.DISTRICT_CODE, clock))
  if (!brandNew || !options.createAdmin) return { migrations, brandNew }
  const { token } = await createAdministrator(database.db, systemActing('huimin start', config.DISTRICT_CODE, clock), {
    name: 'Administrator',
    regionCode: config.DISTRICT_CODE,
  })
  return { migrations, brandNew, adminToken: token.token }
}
