import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, type Kysely } from 'kysely'

/** The top-level migrations/ folder, from src/db or from its compiled copy in dist/src/db. */
export const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

export function createMigrator (db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  })
}

/** Applies every pending migration; answers the names applied, or throws naming the one that failed. */
export async function migrateToLatest (db: Kysely<any>): Promise<string[]> {
  const { error, results = [] } = await createMigrator(db).migrateToLatest()
  const failed = results.find((result) => result.status === 'Error')
  if (error) {
    const where = failed ? ` in migration ${failed.migrationName}` : ''
    throw new Error(`migration failed${where}: ${(error as Error).message ?? String(error)}`, { cause: error })
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName)
}
