import { sql, type Kysely } from 'kysely'
import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { emptyServerDatabase, serverUrl } from '../helper.js'

/** The last migration before a case's timeline became its audit rows. */
const BEFORE = '20261205000000_plan_audit_seal_afresh'

/** A database migrated up to BEFORE, holding one household's person with two cases, dropped when the test ends. */
async function before (t: Test): Promise<{ db: Kysely<any>, first: string, second: string }> {
  const opened = await openDatabase(serverUrl ? { url: await emptyServerDatabase(t) } : {})
  t.teardown(() => opened.close())
  const { error } = await createMigrator(opened.db).migrateTo(BEFORE)
  if (error) throw error
  const { rows: [made] } = await sql<{ first: string, second: string }>`
    with region as (insert into regions (code, name, level) values ('420102', '江岸区', 'district') returning code),
    program as (insert into programs (code, name, title, subject) values ('TEST_REWARD', '奖励', '奖励扶助', 'person') returning code),
    version as (insert into rule_versions (program_code, version, status, effective_from, rules, amounts, funding, payment, workflow, author_name, activated_at)
                select code, 1, 'active', '2010-01-01', '{}', '{}', '{}', '{}', '{}', '王规则', now() from program returning program_code),
    household as (insert into households (region_code, hukou_type, address) select code, 'agricultural', '一号' from region returning id),
    person as (insert into persons (household_id, name, id_number_cipher, id_number_key, id_number_index, id_number_masked, sex, birth_date, relationship)
               select id, '张明', '\\x00', 'k', '\\x01', '420102********0000', 'male', '1945-01-01', 'head' from household returning id),
    first as (insert into cases (program_code, rule_version, person_id, status, registered_on)
              select program_code, 1, person.id, 'investigated', '2010-03-01' from version, person returning id),
    second as (insert into cases (program_code, rule_version, person_id, status, registered_on)
               select program_code, 1, person.id, 'withdrawn', '2010-03-02' from version, person returning id)
    select first.id as first, second.id as second from first, second
  `.execute(opened.db)
  return { db: opened.db, first: made!.first, second: made!.second }
}

/** One step as the service wrote it before: its audit row and its case_steps row, the same facts. */
async function step (db: Kysely<any>, caseId: string, at: string, action: string, from: string | null, to: string, findings: string | null) {
  await sql`
    insert into audit_events (occurred_at, entity_type, entity_id, action, from_status, to_status, actor_kind, actor_name, actor_role, actor_region, region_code, changes)
    values (${at}::timestamptz, 'case', ${caseId}, ${action}, ${from}, ${to}, 'officer', '李调查', 'investigator', '420102', '420102',
            ${findings ? JSON.stringify({ findings }) : null}::jsonb)`.execute(db)
  await sql`
    insert into case_steps (case_id, action, from_status, to_status, actor_kind, actor_name, actor_role, actor_region, at, findings)
    values (${caseId}::uuid, ${action}, ${from}, ${to}, 'officer', '李调查', 'investigator', '420102', ${at}::timestamptz, ${findings})`.execute(db)
}

t.test('the timeline becomes a view of the audit rows, and each case learns when it took its state', async (t) => {
  const { db, first, second } = await before(t)
  await step(db, first, '2010-03-01T09:00:00+08', 'register', null, 'registered', null)
  await step(db, second, '2010-03-02T09:00:00+08', 'register', null, 'registered', null)
  await step(db, first, '2010-03-05T10:30:00+08', 'investigate', 'registered', 'investigated', '户口属实')
  await step(db, second, '2010-03-04T11:00:00+08', 'withdraw', 'registered', 'withdrawn', null)
  const timelines = async () => (await sql<{ case_id: string, action: string, to_status: string, findings: string | null, at: Date }>`
    select case_id::text, action, to_status, findings, at from case_steps order by id`.execute(db)).rows
    .map((row) => [row.case_id, row.action, row.to_status, row.findings, new Date(row.at).toISOString()])
  const earlier = await timelines()

  await migrateToLatest(db)
  t.same(await timelines(), earlier, 'the same four steps, in the same order, with the findings, read from the trail')
  t.equal((await sql<{ kind: string }>`select table_type as kind from information_schema.tables where table_name = 'case_steps'`.execute(db)).rows[0]!.kind,
    'VIEW', 'case_steps is a view')
  const since = (await sql<{ id: string, since: Date }>`select id::text, status_since as since from cases`.execute(db)).rows
  t.same(Object.fromEntries(since.map((row) => [row.id, new Date(row.since).toISOString()])), {
    [first]: '2010-03-05T02:30:00.000Z', [second]: '2010-03-04T03:00:00.000Z',
  }, 'each case took its state at its last step')
  t.ok((await verifyAuditTrail(db)).valid, 'and the trail verifies')
})

t.test('a timeline that is not its audit rows is left as it is, the migration refused', async (t) => {
  const { db, first } = await before(t)
  await step(db, first, '2010-03-01T09:00:00+08', 'register', null, 'registered', null)
  await sql`insert into case_steps (case_id, action, from_status, to_status, actor_kind, actor_name, at)
            values (${first}::uuid, 'investigate', 'registered', 'investigated', 'officer', '李调查', now())`.execute(db)
  const { error } = await createMigrator(db).migrateToLatest()
  t.match(String(error), /case_steps holds 2 rows and the trail 1 case audit rows/, 'refused, saying why')
  t.equal((await sql<{ kind: string }>`select table_type as kind from information_schema.tables where table_name = 'case_steps'`.execute(db)).rows[0]!.kind,
    'BASE TABLE', 'the table is still there')
  t.equal(Number((await sql<{ n: string }>`select count(*) as n from case_steps`.execute(db)).rows[0]!.n), 2, 'with both its rows')
})
