import { sql } from 'kysely'
import t from 'tap'
import { serverUrl } from '../helper.js'
import { workflowWorld } from './world.js'

/**
 * A step decides on the case as it stands once its lock is granted: whatever a
 * transaction it waited for wrote (a notice posted, an objection logged) holds it. And
 * an objection logged while a step is being taken is logged after it, against the case
 * as the step left it. On PostgreSQL only: the embedded engine has one session, so
 * nothing can run beside a transaction that holds a lock.
 */
const skip = serverUrl ? false : 'the embedded engine runs one transaction at a time'
const world = await workflowWorld(t)
const { api, registrar, investigator, reviewer, setClock, elderlyCouple, register, step } = world
const db = world.database.db

/** Waits until the given number of this database's sessions wait for a lock. */
async function waitingForLocks (count: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
    `.execute(db)
    if (rows[0]!.waiting >= count) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`fewer than ${count} sessions came to wait for a lock`)
}

/** Holds the case locked in a transaction of its own while `meanwhile` runs, doing `write` in it, then commits. */
async function holding (caseId: string, write: (trx: typeof db) => Promise<unknown>, meanwhile: () => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select id from cases where id = ${caseId}::uuid for update`.execute(trx)
    await write(trx)
    await meanwhile()
  })
}

t.test('a review that waited for its case\'s investigation finds the village notice it posted', { skip }, async (t) => {
  await setClock('2010-03-15')
  const id = await register((await elderlyCouple()).head)
  let investigation!: ReturnType<typeof step>
  let review!: ReturnType<typeof step>
  await holding(id, async () => {}, async () => {
    investigation = step(investigator, id, 'investigate')
    await waitingForLocks(1)
    review = step(reviewer, id, 'review')
    await waitingForLocks(2)
  })
  t.equal((await investigation).body.status, 'village_notice')
  t.match(await review, { status: 409, body: { code: 'notice_running' } }, 'the notice the investigation posted holds the review')
  t.equal((await api.call(reviewer.token, 'GET', `/v1/cases/${id}`)).body.status, 'village_notice')
})

t.test('a review that waited for an objection being logged is held by it', { skip }, async (t) => {
  await setClock('2010-03-15')
  const id = await register((await elderlyCouple()).head)
  t.equal((await step(investigator, id, 'investigate')).body.status, 'village_notice')
  await setClock('2010-03-22')
  let review!: ReturnType<typeof step>
  await holding(id, (trx) => trx.insertInto('objections').values({
    case_id: id, source: 'officer', channel: 'letter', received_at: 'village', content: '举报', logged_at: sql`now()`,
  }).execute(), async () => {
    review = step(reviewer, id, 'review')
    await waitingForLocks(1)
  })
  t.match(await review, { status: 409, body: { code: 'objection_open' } }, 'the objection committed while the review waited holds it')
})

t.test('an objection logged while its case is being rejected is refused once the rejection commits', { skip }, async (t) => {
  const id = await register((await elderlyCouple()).head)
  let logged!: ReturnType<typeof api.call>
  await holding(id, (trx) => trx.updateTable('cases').set({ status: 'rejected' }).where('id', '=', id).execute(), async () => {
    logged = api.call(registrar.token, 'POST', `/v1/cases/${id}/objections`, { channel: 'letter', receivedAt: 'village', content: '举报' })
    await waitingForLocks(1)
  })
  t.match(await logged, { status: 409, body: { code: 'case_closed' } }, 'the objection sees the case as the rejection left it')
})

t.test('a public objection filed while its notice is being taken down is refused once that commits', { skip }, async (t) => {
  const id = await register((await elderlyCouple()).head)
  const investigated = await step(investigator, id, 'investigate')
  t.equal(investigated.body.status, 'village_notice')
  let filed!: Promise<{ statusCode: number }>
  await holding(id, async (trx) => {
    await trx.updateTable('notices').set({ closed_on: sql`current_date` }).where('case_id', '=', id).execute()
    await trx.updateTable('cases').set({ status: 'rejected' }).where('id', '=', id).execute()
  }, async () => {
    filed = world.app.inject({ method: 'POST', url: `/public/notices/${investigated.body.notice.id}/objections`, payload: { content: '此人不在本村居住' } })
    await waitingForLocks(1)
  })
  t.equal((await filed).statusCode, 404, 'the notice is no longer on a board')
  t.equal((await world.database.db.selectFrom('objections').select('id').where('case_id', '=', id).execute()).length, 0, 'and nothing was filed')
})
