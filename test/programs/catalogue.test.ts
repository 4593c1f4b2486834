import t, { type Test } from 'tap'
import { build } from '../../src/app.js'
import { prepareDatabase } from '../../src/bootstrap.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { systemClock } from '../../src/domain/clock/clock.js'
import { systemActing } from '../../src/domain/identity/acting.js'
import { CATALOGUE } from '../../src/domain/programs/catalogue.js'
import { seedCatalogue } from '../../src/domain/programs/service.js'
import { apiOf, districtAdmin, emptyServerDatabase, serverUrl, testConfig } from '../helper.js'

const catalogue = systemActing('huimin catalogue', '420102', systemClock())

const CORRECTED = ['GIRLS_COLLEGE_AWARD', 'GIRLS_PRIORITY', 'ONLY_CHILD_HEALTH_FEE', 'RURAL_REWARD']

/** The catalogue as an earlier release shipped it: every programme at its first revision. */
const FIRST_RELEASE = CATALOGUE.map((program) => ({ ...program, revisions: program.revisions.slice(0, 1) }))

/** A new, empty, migrated database with the district, closed when the test ends. */
async function emptyDatabase (t: Test): Promise<Database> {
  const database = await openDatabase(serverUrl ? { url: await emptyServerDatabase(t), poolSize: 4 } : {})
  t.teardown(() => database.close())
  await migrateToLatest(database.db)
  await database.db.insertInto('regions').values({ code: '420102', name: '区', level: 'district', parent_code: null }).execute()
  return database
}

const versionsOf = (database: Database, code: string) => database.db.selectFrom('rule_versions')
  .select(['version', 'status', 'author_name', 'retired_at', 'rules']).where('program_code', '=', code).orderBy('version').execute()

const auditRows = (database: Database) => database.db.selectFrom('audit_events')
  .select(['entity_id', 'action', 'from_status', 'to_status', 'reason', 'changes', 'actor_name'])
  .where('entity_type', '=', 'rule_version').orderBy('seq').execute()

t.test('a new database gets the catalogue\'s last revision of each programme as version 1', async (t) => {
  const database = await emptyDatabase(t)
  t.same(await seedCatalogue(database.db, catalogue), CATALOGUE.map((program) => `${program.code}: seeded`))
  for (const program of CATALOGUE) {
    const versions = await versionsOf(database, program.code)
    t.same(versions.map((row) => [row.version, row.status]), [[1, 'active']], program.code)
    t.same(versions[0]!.rules, program.revisions[program.revisions.length - 1]!.rules, `${program.code}: the last revision`)
  }
  t.same(await seedCatalogue(database.db, catalogue), [], 'nothing more on the next start')
})

t.test('a database seeded by an earlier release gets the corrections as new versions, the old ones retired, audited, once', async (t) => {
  const database = await emptyDatabase(t)
  await seedCatalogue(database.db, catalogue, FIRST_RELEASE)
  const before = (await auditRows(database)).length

  await prepareDatabase(database, testConfig())
  for (const code of CORRECTED) {
    const versions = await versionsOf(database, code)
    t.same(versions.map((row) => [row.version, row.status]), [[1, 'retired'], [2, 'active']], `${code}: version 2 active, version 1 kept, retired`)
    t.ok(versions[0]!.retired_at, `${code}: with the time it was retired`)
    t.same(versions[1]!.rules, CATALOGUE.find((program) => program.code === code)!.revisions[1]!.rules)
  }
  for (const program of CATALOGUE.filter((each) => !CORRECTED.includes(each.code))) {
    t.same((await versionsOf(database, program.code)).map((row) => [row.version, row.status]), [[1, 'active']], `${program.code}: unchanged`)
  }
  const written = (await auditRows(database)).slice(before)
  t.equal(written.length, 2 * CORRECTED.length, 'two audit rows a corrected programme')
  for (const code of CORRECTED) {
    t.ok(written.some((row) => row.action === 'retire' && row.from_status === 'active' && row.to_status === 'retired'
      && (row.changes as { programCode: string }).programCode === code && /replaced by version 2/.test(row.reason ?? '')), `${code}: version 1 retired`)
    t.ok(written.some((row) => row.action === 'seed' && row.to_status === 'active'
      && JSON.stringify(row.changes).includes(`"programCode":"${code}"`) && (row.changes as { replaces?: number }).replaces === 1), `${code}: version 2 seeded, replacing 1`)
  }
  t.ok(written.every((row) => row.actor_name === 'huimin catalogue'))

  await prepareDatabase(database, testConfig())
  await prepareDatabase(database, testConfig())
  t.equal((await auditRows(database)).length, before + written.length, 'later starts change nothing')
  for (const code of CORRECTED) t.equal((await versionsOf(database, code)).length, 2)
})

t.test('rules an administrator put in force are not replaced: the correction waits as a draft', async (t) => {
  const database = await emptyDatabase(t)
  await seedCatalogue(database.db, catalogue, FIRST_RELEASE)
  const config = testConfig()
  const app = await build({ config, database })
  t.teardown(() => app.close())
  const api = apiOf(app)
  const admin = await districtAdmin(database, config)
  const other = await districtAdmin(database, config)

  const { active } = (await api.call(admin, 'GET', '/v1/programs/GIRLS_PRIORITY')).body
  const own = await api.call(admin, 'POST', '/v1/programs/GIRLS_PRIORITY/rule-versions', {
    effectiveFrom: '2020-01-01', rules: active.rules, amounts: active.amounts, funding: active.funding, payment: active.payment, workflow: active.workflow,
  })
  t.equal((await api.call(other, 'POST', `/v1/programs/GIRLS_PRIORITY/rule-versions/${own.body.version}/transitions`, { action: 'activate' })).status, 200)

  await prepareDatabase(database, config)
  const versions = await versionsOf(database, 'GIRLS_PRIORITY')
  t.same(versions.map((row) => [row.version, row.status, row.author_name]),
    [[1, 'retired', 'huimin catalogue'], [2, 'active', '区管理员'], [3, 'draft', 'huimin catalogue']])
  const draft = (await api.call(admin, 'GET', '/v1/programs/GIRLS_PRIORITY/rule-versions/3')).body
  t.equal(draft.rules.id, 'household', 'the corrected rules, for administrators to simulate and activate')
  await prepareDatabase(database, config)
  t.equal((await versionsOf(database, 'GIRLS_PRIORITY')).length, 3, 'proposed once')
  t.equal((await api.call(other, 'POST', '/v1/programs/GIRLS_PRIORITY/rule-versions/3/transitions', { action: 'activate' })).body.status, 'active',
    'an administrator activates it like any draft')
})

t.test('the first revisions are the rules earlier releases seeded, unchanged', async (t) => {
  // A database is recognised by the content of its versions: a first revision edited here would no longer be found.
  const onlyChild = CATALOGUE.find((program) => program.code === 'ONLY_CHILD_HEALTH_FEE')!.revisions[0]!
  t.same(onlyChild.rules, { all: [
    { id: 'onlyChild', label: 'the only child of the parents', fact: 'parentsChildren', op: '=', value: 1 },
    { id: 'certificate', label: 'the parents hold an only-child parents\' certificate', fact: 'parentsOnlyChildCertificate', op: '=', value: true },
    { id: 'underAge', label: 'under 14 for at least one month of the year', fact: 'monthsUnderAgeInYear', op: '>=', value: 1, params: { age: 14 } },
  ] })
})
