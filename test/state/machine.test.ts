import { randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import type { Acting } from '../../src/domain/identity/acting.js'
import { TOKEN } from '../../src/domain/identity/token-machine.js'
import { recordPersonEvent } from '../../src/domain/registry/events.js'
import { attemptTransitions, transition, transitionMany } from '../../src/domain/state/machine.js'
import { regionWorld } from '../helper.js'
import { couple } from '../registry/people.js'

const world = await regionWorld(t)
const db = world.database.db
const townAdmin = await world.officer(['registrar', 'admin'], world.townA, '甲镇管理员')
const registrarA = await world.officer(['registrar'], world.villageA, '甲村登记员')

/** An officer acting as the route would build it, straight from the token's holder. */
function actingOf (officer: { id: string }, name: string, roles: Acting['actor']['roles'], scope: string, role: Acting['role']): Acting {
  return {
    actor: { kind: 'officer', id: officer.id, name, roles, regionCode: scope, tokenId: '', programs: [] },
    role, scope, requestId: 'test', clock: world.app.clock,
  }
}

/** Tokens for an officer, inserted in one statement: what 10,000 revocations need to start from. */
async function tokensFor (officerId: string, count: number, status: 'active' | 'revoked' = 'active'): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID())
  await sql`
    insert into api_tokens (id, officer_id, token_hash, expires_at, status, revoked_at)
    select id, ${officerId}::uuid, decode(md5(id::text) || md5(id::text || 'x'), 'hex'), now() + interval '1 year',
           ${status}, ${status === 'revoked' ? sql`now()` : sql`null`}
      from unnest(${ids}::uuid[]) as id
  `.execute(db)
  return ids
}

const auditRowsAbout = async (ids: string[]) => Number((await sql<{ n: string }>`
  select count(*) as n from audit_events where entity_type = 'api_token' and entity_id = any(${ids}::text[])
`.execute(db)).rows[0]!.n)

t.test('transitionMany over 10,000 rows answers each and writes exactly one audit row per change', async (t) => {
  const clerkA = await world.officer(['registrar'], world.villageA, '甲村文书')
  const clerkB = await world.officer(['registrar'], world.villageB, '乙村文书')
  const active = await tokensFor(clerkA.id, 9_000)
  const revoked = await tokensFor(clerkA.id, 600, 'revoked')
  const elsewhere = await tokensFor(clerkB.id, 300)
  const unknown = Array.from({ length: 100 }, () => randomUUID())
  const ids = [...active, ...revoked, ...elsewhere, ...unknown]
  t.equal(ids.length, 10_000)
  const shuffled = ids.map((id) => [randomBytes(4).readUInt32BE(), id] as const).sort((a, b) => a[0] - b[0]).map(([, id]) => id)

  const acting = actingOf(townAdmin, '甲镇管理员', ['registrar', 'admin'], world.townA, 'registrar')
  const outcome = await db.transaction().execute((trx) => transitionMany(trx, TOKEN, acting, [...shuffled, active[0]!], 'revoke', { reason: '村委换届' }))

  t.equal(outcome.succeeded.length, 9_000, 'every active token of the region is revoked')
  t.same(new Set(outcome.succeeded.map((row) => row.id)), new Set(active))
  t.ok(outcome.succeeded.every((row) => row.from === 'active' && row.to === 'revoked'))
  t.equal(outcome.failed.length, 1_000, 'and each other id is answered once')
  const failed = new Map(outcome.failed.map((row) => [row.id, row]))
  t.ok(revoked.every((id) => failed.get(id)?.code === 'transition_not_allowed' && failed.get(id)?.status === 409), 'a revoked token cannot be revoked again')
  t.match(failed.get(revoked[0]!)?.detail, 'A token that is revoked cannot be taken through revoke.')
  t.ok([...elsewhere, ...unknown].every((id) => failed.get(id)?.code === 'token_not_found' && failed.get(id)?.status === 404),
    'another region\'s tokens are not found, as if they did not exist')

  t.equal(await auditRowsAbout(active), 9_000, 'one audit row per change')
  t.equal(await auditRowsAbout([...revoked, ...elsewhere, ...unknown]), 0, 'none for a refusal')
  const row = await db.selectFrom('audit_events').selectAll().where('entity_id', '=', active[17]!).executeTakeFirstOrThrow()
  t.match(row, {
    action: 'revoke', from_status: 'active', to_status: 'revoked', reason: '村委换届', request_id: 'test',
    actor_name: '甲镇管理员', actor_role: 'admin', region_code: world.villageA,
  }, 'the row names the role the step needs (admin), not the one the caller came in with (registrar)')
  const statuses = await db.selectFrom('api_tokens').select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('id', 'in', ids).groupBy('status').orderBy('status').execute()
  t.same(statuses.map((each) => [each.status, Number(each.n)]), [['active', 300], ['revoked', 9_600]], 'the other region\'s tokens are untouched')
  t.ok((await verifyAuditTrail(db)).valid)
})

t.test('a transition the caller may not take is refused with the first check that fails, and writes nothing', async (t) => {
  const [mine] = await tokensFor(registrarA.id, 1)
  const [theirs] = await tokensFor(townAdmin.id, 1)
  const registrar = actingOf(registrarA, '甲村登记员', ['registrar'], world.villageA, 'registrar')
  await t.rejects(db.transaction().execute((trx) => transition(trx, TOKEN, registrar, theirs!, 'revoke')), { status: 404, code: 'token_not_found' },
    'someone else\'s token is not found by a non-administrator')
  const done = await db.transaction().execute((trx) => transition(trx, TOKEN, registrar, mine!, 'revoke'))
  t.same(done, { id: mine, from: 'active', to: 'revoked' }, 'but their own is theirs to revoke')
  t.match(await db.selectFrom('audit_events').selectAll().where('entity_id', '=', mine!).executeTakeFirstOrThrow(), { actor_role: 'registrar' },
    'a step that needs no particular role records the role the caller came in with')
})

t.test('parts compose in one transaction: a death recorded, then a second step that fails, rolls back whole', async (t) => {
  const household = await world.api.call(world.admin, 'POST', '/v1/households', couple(world.villageA, 71))
  const father = household.body.members[0].id as string
  const [revokedAlready] = await tokensFor(registrarA.id, 1, 'revoked')
  const acting = actingOf(townAdmin, '甲镇管理员', ['registrar', 'admin'], world.townA, 'registrar')
  const auditBefore = Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(db)).rows[0]!.n)

  await t.rejects(db.transaction().execute(async (trx) => {
    const death = await recordPersonEvent(trx, acting, father, { type: 'death', date: '2012-01-18' })
    t.equal(death.type, 'death', 'the death is recorded inside the transaction')
    t.equal((await trx.selectFrom('persons').select('death_date').where('id', '=', father).executeTakeFirstOrThrow()).death_date, '2012-01-18')
    await transition(trx, TOKEN, acting, revokedAlready!, 'revoke')
  }), { code: 'transition_not_allowed' })

  const person = await world.api.call(world.admin, 'GET', `/v1/persons/${father}`)
  t.equal(person.body.deathDate, null, 'the death is gone with the failed step')
  t.equal((await world.api.call(world.admin, 'GET', `/v1/persons/${father}/events`)).body.items.length, 0, 'and so is its event')
  t.equal(Number((await sql<{ n: string }>`select count(*) as n from audit_events`.execute(db)).rows[0]!.n), auditBefore, 'and every audit row')

  const [active] = await tokensFor(registrarA.id, 1)
  await db.transaction().execute(async (trx) => {
    await recordPersonEvent(trx, acting, father, { type: 'death', date: '2012-01-18' })
    await transition(trx, TOKEN, acting, active!, 'revoke')
  })
  t.equal((await world.api.call(world.admin, 'GET', `/v1/persons/${father}`)).body.deathDate, '2012-01-18', 'when both pass, both commit')
})

t.test('steps asked in different requests, taken in one call, keep each its own reason, findings and request', async (t) => {
  const needsReason = { ...TOKEN, steps: { revoke: { ...TOKEN.steps.revoke, reasonRequired: true } } }
  const [first, second, third] = await tokensFor(registrarA.id, 3)
  const acting = actingOf(townAdmin, '甲镇管理员', ['registrar', 'admin'], world.townA, 'admin')
  const attempts = await db.transaction().execute((trx) => attemptTransitions(trx, needsReason, acting, [first!, second!, third!], 'revoke', {
    requestIds: new Map([[first!, 'request-1'], [second!, 'request-2'], [third!, 'request-3']]),
    own: new Map([[first!, { reason: '调离', findings: null }], [second!, { reason: null, findings: null }], [third!, { reason: '退休', findings: '已交接' }]]),
  }))
  t.match(attempts.get(second!), { refused: { code: 'reason_required' } }, 'the step asked without a reason is refused alone')
  t.match([attempts.get(first!), attempts.get(third!)], [{ value: { from: 'active', to: 'revoked' } }, { value: { from: 'active', to: 'revoked' } }])
  const rows = await db.selectFrom('audit_events').select(['entity_id', 'reason', 'request_id', 'changes'])
    .where('entity_type', '=', 'api_token').where('entity_id', 'in', [first!, second!, third!]).orderBy('seq').execute()
  t.same(rows.map((row) => [row.entity_id, row.reason, row.request_id, (row.changes as { findings?: string } | null)?.findings ?? null]), [
    [first, '调离', 'request-1', null],
    [third, '退休', 'request-3', '已交接'],
  ], 'each audit row names its own reason, findings and request')
})

t.test('a step whose UPDATE moves fewer rows than were locked writes no audit row and fails whole', async (t) => {
  const tokens = await tokensFor(registrarA.id, 3)
  const ghost = randomUUID()
  // The token machine, its lock also answering a row that is not in the table: the UPDATE moves three of four.
  const lying = { ...TOKEN, lock: async (...args: Parameters<typeof TOKEN.lock>) => {
    const rows = await TOKEN.lock(...args)
    return [...rows, { ...rows[0]!, id: ghost }]
  } }
  const acting = actingOf(townAdmin, '甲镇管理员', ['registrar', 'admin'], world.townA, 'admin')
  await t.rejects(db.transaction().execute((trx) => transitionMany(trx, lying, acting, [...tokens, ghost], 'revoke', { reason: '测试' })),
    { message: 'api_token: not all of 4 locked rows were updated' })
  t.equal(await auditRowsAbout([...tokens, ghost]), 0, 'no audit row, for the rows moved or the one not')
  const statuses = await db.selectFrom('api_tokens').select('status').where('id', 'in', tokens).execute()
  t.same(statuses.map((row) => row.status), ['active', 'active', 'active'], 'the transaction rolled back: nothing moved')
})
