import { readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import t from 'tap'
import { prepareDatabase } from '../../src/bootstrap.js'
import { migrationFolder } from '../../src/db/migrate.js'
import { CATALOGUE } from '../../src/domain/programs/catalogue.js'
import { serverUrl, testConfig, testDatabase } from '../helper.js'

/**
 * A test file's database is a copy of the migrated, seeded template (test/template-db.ts):
 * as up to date as one the service prepares itself, and its own to change.
 */
t.test('a test database is copied from the template, migrated and seeded', async (t) => {
  const config = testConfig()
  const { database } = await testDatabase(t, config)
  const migrations = (await readdir(migrationFolder)).filter((name) => /\.(ts|js)$/.test(name)).length
  const applied = await database.db.selectFrom('kysely_migration' as any).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(applied.n), migrations, `all ${migrations} migrations applied`)
  const active = await database.db.selectFrom('rule_versions').select('program_code').where('status', '=', 'active').orderBy('program_code').execute()
  t.same(active.map((row) => row.program_code), CATALOGUE.map((program) => program.code).sort(), 'each programme of the catalogue active')
  t.same(await prepareDatabase(database, config), { migrations: [], brandNew: false }, 'nothing left for the service to migrate or seed')

  if (serverUrl) {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    t.teardown(() => client.end())
    const templates = await client.query(`select datallowconn from pg_database where datname like 'huimin\\_tpl\\_%' and datistemplate`)
    t.ok(templates.rows.length >= 1, 'a template database on the server')
    t.ok(templates.rows.every((row) => row.datallowconn === false), 'closed to connections, so a copy never finds a session in it')
  } else {
    const dir = path.join(tmpdir(), 'huimin-test-templates')
    const tarballs = (await readdir(dir)).filter((name) => name.endsWith('.tar'))
    t.ok(tarballs.length >= 1, 'a dumped data directory in the cache')
    t.ok((await stat(path.join(dir, tarballs[0]!))).size > 1_000_000, 'holding the data directory')
  }
})

t.test('two databases from the template are separate', async (t) => {
  const first = await testDatabase(t)
  const second = await testDatabase(t)
  await first.database.db.insertInto('regions').values({ code: '420102.001', name: '甲镇', level: 'township', parent_code: '420102' }).execute()
  const seen = await second.database.db.selectFrom('regions').select('code').orderBy('code').execute()
  t.same(seen, [{ code: '420102' }], 'a region made in one is not in the other')
})
