import t from 'tap'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, registrar, investigator, reviewer, confirmer, setClock, elderlyCouple, step, auditOf } = world

t.test('a RURAL_REWARD case walks from registration to active with four officers, and its timeline names each', async (t) => {
  const { head } = await elderlyCouple()
  const registered = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: head, note: '户主本人申请' })
  t.equal(registered.status, 201)
  t.match(registered.body, { programCode: 'RURAL_REWARD', personId: head, status: 'registered', ruleVersion: 1, registeredOn: '2010-03-15', note: '户主本人申请' })
  t.equal(registered.headers.location, `/v1/cases/${registered.body.id}`)
  t.equal(registered.body.subject.name, '张明')
  t.match(registered.body.subject.idNumber, /^420102\d{12}$|^420102\d{11}X$/, 'the registrar sees the whole ID number')
  const id = registered.body.id

  const investigated = await step(investigator, id, 'investigate', { findings: '户籍、子女情况属实' })
  t.equal(investigated.status, 200)
  t.match(investigated.body, { status: 'village_notice', notice: { level: 'village', startsOn: '2010-03-15', endsOn: '2010-03-21' } })

  const early = await step(reviewer, id, 'review')
  t.equal(early.status, 409)
  t.match(early.body, { code: 'notice_running', detail: /2010-03-21/ })

  await setClock('2010-03-21')
  t.equal((await step(reviewer, id, 'review')).body.code, 'notice_running', 'the last day of the notice is still a notice day')
  await setClock('2010-03-22')
  const reviewed = await step(reviewer, id, 'review', { reason: '调查属实，符合条件' })
  t.match(reviewed.body, { status: 'township_notice', notice: { level: 'township', startsOn: '2010-03-22', endsOn: '2010-03-28' } })
  const asReviewer = await api.call(reviewer.token, 'GET', `/v1/cases/${id}`)
  t.match(asReviewer.body.subject.idNumber, /^420102\*{8}\d{3}[\dX]$/, 'a reviewer sees the ID number masked')

  await setClock('2010-03-29')
  const confirmed = await step(confirmer, id, 'confirm')
  t.match(confirmed.body, { status: 'district_notice', notice: { level: 'district', startsOn: '2010-03-29', endsOn: '2010-04-04' } })

  await setClock('2010-04-04')
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)).body.status, 'district_notice')
  await setClock('2010-04-05')
  const active = await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)
  t.match(active.body, { status: 'active', activeFrom: '2010-04-05' }, 'the district notice ended: the next read finds a beneficiary')
  t.notOk('notice' in active.body, 'and no notice posted')

  const timeline = active.body.timeline.map((entry: any) => [entry.action, entry.from, entry.to, entry.actor.kind, entry.actor.name, entry.actor.role])
  t.same(timeline, [
    ['register', null, 'registered', 'officer', '王登记', 'registrar'],
    ['investigate', 'registered', 'investigated', 'officer', '李调查', 'investigator'],
    ['open_village_notice', 'investigated', 'village_notice', 'system', 'huimin', null],
    ['review', 'village_notice', 'reviewed', 'officer', '赵审核', 'reviewer'],
    ['open_township_notice', 'reviewed', 'township_notice', 'system', 'huimin', null],
    ['confirm', 'township_notice', 'confirmed', 'officer', '钱确认', 'confirmer'],
    ['open_district_notice', 'confirmed', 'district_notice', 'system', 'huimin', null],
    ['activate', 'district_notice', 'active', 'system', 'huimin', null],
  ])
  t.match(active.body.timeline[1], { findings: '户籍、子女情况属实', actor: { id: investigator.id, regionCode: world.villageA }, at: /^2010-03-15T01:00/ })
  t.match(active.body.timeline[3], { reason: '调查属实，符合条件', actor: { regionCode: world.townA } })
  t.match(active.body.timeline[2], { reason: /village notice/ })
  t.match(active.body.timeline[7], { reason: /district notice ended/ })

  const audit = await auditOf(id)
  t.same(audit.map((row) => [row.action, row.from_status, row.to_status, row.actor_name, row.actor_role]), timeline.map((entry: unknown[]) =>
    [entry[0], entry[1], entry[2], entry[4], entry[5]]), 'exactly one audit row per step, naming the same officer and role')
  t.ok(audit.every((row) => row.region_code === world.villageA))
  t.ok((await verifyAuditTrail(world.database.db)).valid, 'and the trail verifies')
})

t.test('registration is checked with the evaluator as of the clock\'s today, unless overridden with a reason', async (t) => {
  const { son, head } = await elderlyCouple()
  const refused = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: son })
  t.equal(refused.status, 422)
  t.equal(refused.body.code, 'not_eligible')
  t.ok(refused.body.errors.some((error: { path: string }) => error.path === '/criteria/age'), 'the failing criteria are listed')
  const overridden = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: son, override: { reason: '县文件特批' } })
  t.equal(overridden.status, 201)
  t.same(overridden.body.override, { reason: '县文件特批' })
  const [row] = await auditOf(overridden.body.id)
  t.match(row, { action: 'register', to_status: 'registered', reason: '县文件特批', changes: { override: true, eligible: false } }, 'the override is audited')

  await world.register(head)
  const again = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: head })
  t.equal(again.status, 409)
  t.equal(again.body.code, 'case_exists')

  const household = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'GIRLS_TWO_DAUGHTER_STERILISATION', personId: son, override: { reason: 'x' } })
  t.equal(household.body.code, 'case_subject', 'a household programme is applied for by the head')
  const reviewerRegisters = await api.call(reviewer.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: head })
  t.equal(reviewerRegisters.body.code, 'role_forbidden')
})

t.test('a step on a case whose district notice has ended finds it active first, as the sweep would have made it', async (t) => {
  await setClock('2010-05-03') // the clock only moves forward: after the walk above
  const { head } = await elderlyCouple()
  const id = (await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: head })).body.id
  await step(investigator, id, 'investigate')
  await setClock('2010-05-10')
  await step(reviewer, id, 'review')
  await setClock('2010-05-17')
  t.equal((await step(confirmer, id, 'confirm')).body.status, 'district_notice')
  await setClock('2010-05-24')
  // No read in between: the suspension itself settles the case.
  const suspended = await step(confirmer, id, 'suspend', { reason: '待核实' })
  t.equal(suspended.status, 200)
  t.match(suspended.body, { status: 'suspended', activeFrom: '2010-05-24' })
  t.same(suspended.body.timeline.slice(-2).map((entry: any) => [entry.action, entry.from, entry.to, entry.actor.kind]), [
    ['activate', 'district_notice', 'active', 'system'],
    ['suspend', 'active', 'suspended', 'officer'],
  ], 'activated by the service, then suspended by the confirmer')
  t.notOk('notice' in suspended.body, 'the district notice is taken down')
})
