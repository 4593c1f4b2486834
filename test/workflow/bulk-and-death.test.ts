import { randomUUID } from 'node:crypto'
import t from 'tap'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { recordPersonEvent } from '../../src/domain/registry/events.js'
import { TOKEN } from '../../src/domain/identity/token-machine.js'
import { transition } from '../../src/domain/state/machine.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, registrar, investigator, reviewer, confirmer, setClock, elderlyCouple, register, step, walkToActive, auditOf } = world

t.test('a bulk transition answers each case: the valid ones move, the others say why', async (t) => {
  const ids = [] as string[]
  for (let index = 0; index < 4; index++) ids.push(await register((await elderlyCouple()).head))
  await step(investigator, ids[0]!, 'investigate')
  const elsewhere = await register((await elderlyCouple(world.villageB)).head).catch(() => undefined)
  t.equal(elsewhere, undefined, 'a village A registrar cannot register in village B')
  const registrarB = await world.officer(['registrar'], world.villageB, '乙村登记')
  const couple = await elderlyCouple(world.villageB)
  const other = (await api.call(registrarB.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: couple.head })).body.id
  const unknown = randomUUID()

  const answer = await api.call(investigator.token, 'POST', '/v1/cases/transitions', { action: 'investigate', caseIds: [...ids, other, unknown], findings: '批量入户调查' })
  t.equal(answer.status, 200)
  t.same(answer.body.succeeded, ids.slice(1).map((id) => ({ id, status: 'village_notice' })), 'three moved on, to their notice')
  t.same(answer.body.failed.map((row: { id: string, code: string }) => [row.id, row.code]), [
    [ids[0], 'transition_not_allowed'], [other, 'case_not_found'], [unknown, 'case_not_found'],
  ])
  for (const id of ids.slice(1)) {
    t.same((await auditOf(id)).map((row) => row.action), ['register', 'investigate', 'open_village_notice'], 'one audit row per step of each')
  }
  t.same((await auditOf(other)).map((row) => row.action), ['register'], 'nothing for the refused')

  const tooMany = await api.call(reviewer.token, 'POST', '/v1/cases/transitions', { action: 'review', caseIds: Array.from({ length: 10_001 }, () => randomUUID()) })
  t.equal(tooMany.status, 400, 'at most 10,000 at once')
  await setClock('2010-03-22')
  const reviewed = await api.call(reviewer.token, 'POST', '/v1/cases/transitions', { action: 'review', caseIds: ids })
  t.equal(reviewed.body.succeeded.length, 4, 'a township reviewer approves the lot after notice')
})

t.test('a recorded death exits the person\'s active cases, in the same transaction', async (t) => {
  await setClock('2010-05-01')
  const couple = await elderlyCouple()
  const id = await register(couple.head)
  t.equal((await walkToActive(id)).status, 'active', 'on 2010-05-22')

  const acting = {
    actor: { kind: 'officer' as const, id: registrar.id, name: '王登记', roles: ['registrar' as const], regionCode: world.villageA, tokenId: registrar.tokenId, programs: [] },
    role: 'registrar' as const, scope: world.villageA, requestId: 'death-test', clock: world.app.clock,
  }
  // A death and a second step that fails, in one transaction: neither the death nor the exit stays.
  await t.rejects(world.database.db.transaction().execute(async (trx) => {
    await recordPersonEvent(trx, acting, couple.head, { type: 'death', date: '2010-05-20' })
    t.equal((await trx.selectFrom('cases').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'exited', 'the case exits with the death')
    await transition(trx, TOKEN, acting, randomUUID(), 'revoke')
  }), { code: 'token_not_found' })
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)).body.status, 'active', 'rolled back whole: still active')
  t.equal((await api.call(registrar.token, 'GET', `/v1/persons/${couple.head}`)).body.deathDate, null)

  await setClock('2012-02-01')
  const death = await api.call(registrar.token, 'POST', `/v1/persons/${couple.head}/events`, { type: 'death', date: '2012-01-18' })
  t.equal(death.status, 201)
  const exited = await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)
  t.equal(exited.body.status, 'exited')
  t.match(exited.body.timeline.at(-1), { action: 'exit', from: 'active', to: 'exited', actor: { kind: 'system' }, reason: 'death recorded: 2012-01-18' })
  t.same((await auditOf(id)).slice(-1).map((row) => [row.action, row.actor_kind, row.request_id !== null]), [['exit', 'system', true]])
  t.ok((await verifyAuditTrail(world.database.db)).valid)
})

t.test('suspend, resume and exit are the confirmer\'s, each with a reason', async (t) => {
  await setClock('2012-03-01')
  const id = await register((await elderlyCouple()).head)
  await step(investigator, id, 'investigate')
  await setClock('2012-03-08')
  await step(reviewer, id, 'review')
  await setClock('2012-03-15')
  await step(confirmer, id, 'confirm')
  await setClock('2012-03-22')
  t.equal((await step(confirmer, id, 'suspend')).body.code, 'reason_required')
  t.equal((await step(reviewer, id, 'suspend', { reason: '外出' })).body.code, 'role_forbidden')
  t.equal((await step(confirmer, id, 'suspend', { reason: '长期外出，待核实' })).body.status, 'suspended')
  t.equal((await step(confirmer, id, 'resume', { reason: '已返乡' })).body.status, 'active')
  t.equal((await step(registrar, id, 'withdraw')).body.code, 'transition_not_allowed', 'a beneficiary is not withdrawn')
  t.equal((await step(confirmer, id, 'exit', { reason: '迁出本区' })).body.status, 'exited')
})
