import t from 'tap'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, admin, registrar, investigator, reviewer, setClock, elderlyCouple, register, step } = world

t.test('each refusal of DESIGN §4, in the order the checks are made', async (t) => {
  const id = await register((await elderlyCouple()).head)
  const elsewhere = await world.officer(['investigator', 'reviewer', 'confirmer'], world.villageB, '乙村调查')
  const townInvestigator = await world.officer(['investigator'], world.townA, '甲镇调查')

  const notFound = await step(elsewhere, id, 'investigate')
  t.match([notFound.status, notFound.body.code], [404, 'case_not_found'], 'another region\'s case is not found, whatever else is wrong')
  const role = await step(registrar, id, 'investigate')
  t.match([role.status, role.body.code], [403, 'role_forbidden'], 'a registrar does not investigate')
  t.match(role.body.detail, /investigator/)
  const level = await step(townInvestigator, id, 'investigate')
  t.match([level.status, level.body.code], [403, 'wrong_level'], 'an investigator of the township is not the village\'s')
  const state = await step(reviewer, id, 'review')
  t.match([state.status, state.body.code], [409, 'transition_not_allowed'], 'a registered case is not reviewed')
  const noReason = await step(reviewer, id, 'reject')
  t.equal(noReason.body.code, 'role_forbidden', 'a registered case is rejected by the step next due: the investigator\'s')
  const unexplained = await step(investigator, id, 'reject')
  t.equal(unexplained.body.code, 'reason_required')

  t.equal((await step(investigator, id, 'investigate')).body.status, 'village_notice')
  const running = await step(reviewer, id, 'review')
  t.match([running.status, running.body.code], [409, 'notice_running'])

  const objection = await api.call(registrar.token, 'POST', `/v1/cases/${id}/objections`, { channel: 'hotline', receivedAt: 'village', content: '其子另有一女未登记' })
  t.equal(objection.status, 201)
  await setClock('2010-03-22')
  const held = await step(reviewer, id, 'review')
  t.match([held.status, held.body.code], [409, 'objection_open'], 'the notice has ended, but an objection holds the case')
  const dismissed = await api.call(reviewer.token, 'POST', `/v1/objections/${objection.body.id}/transitions`, { action: 'dismiss', reason: '经核实，子女情况属实' })
  t.equal(dismissed.body.status, 'dismissed')
  t.equal((await step(reviewer, id, 'review')).body.status, 'township_notice', 'dismissed, it lets the case go on')
})

t.test('four eyes: nobody takes two of investigation, review and confirmation on one case', async (t) => {
  const program = (await api.call(admin, 'GET', '/v1/programs/RURAL_REWARD')).body
  const { effectiveFrom, rules, amounts, funding, payment, workflow } = program.active
  // A township that investigates and reviews at the village: the level check no longer keeps one officer from both.
  workflow.steps[2].regionLevel = 'village'
  const secondAdmin = await world.officer(['admin'], world.district, '第二管理员')
  const draft = await api.call(secondAdmin.token, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', { effectiveFrom, rules, amounts, funding, payment, workflow })
  t.equal(draft.status, 201)
  t.equal((await api.call(admin, 'POST', `/v1/programs/RURAL_REWARD/rule-versions/${draft.body.version}/transitions`, { action: 'activate' })).status, 200)

  const both = await world.officer(['investigator', 'reviewer'], world.villageA, '孙两职')
  const id = await register((await elderlyCouple()).head)
  t.equal((await step(both, id, 'investigate')).body.status, 'village_notice')
  const twice = await step(both, id, 'review')
  t.match([twice.status, twice.body.code], [403, 'four_eyes'], 'four eyes is checked before the notice still running')
  await setClock('2010-03-29')
  t.equal((await step(both, id, 'review')).body.code, 'four_eyes', 'and after it')
  const other = await world.officer(['reviewer'], world.villageA, '周审核')
  t.equal((await step(other, id, 'review')).body.status, 'township_notice', 'another officer reviews')
})

t.test('every step taken in this file has exactly one audit row, and the trail verifies', (t) => checkTrail(t, world.database.db))
