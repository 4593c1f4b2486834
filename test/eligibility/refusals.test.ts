import t from 'tap'
import { eligibilityWorld } from './world.js'

const world = await eligibilityWorld(t)
const { api, admin, household, event } = world
const secondAdmin = await world.officer(['admin'], world.district, '第二管理员')
const registrarB = await world.officer(['registrar'], world.villageB, '乙村登记员')
const [head, spouse, son] = await household([
  { sex: 'male', birthDate: '1940-01-01', relationship: 'head' },
  { sex: 'female', birthDate: '1942-01-01', relationship: 'spouse' },
  { sex: 'male', birthDate: '1965-01-01', relationship: 'child' },
])

t.test('an evaluation of a person outside the region, of an unknown person or programme, is refused', async (t) => {
  const outside = await api.call(registrarB.token, 'POST', '/v1/eligibility/evaluations', { programCode: 'RURAL_REWARD', personId: head, asOf: '2010-12-31' })
  t.equal(outside.status, 404)
  t.equal(outside.body.code, 'person_not_found')
  const unknownProgram = await api.call(admin, 'POST', '/v1/eligibility/evaluations', { programCode: 'NO_SUCH', personId: head })
  t.equal(unknownProgram.body.code, 'program_not_found')
  const badDate = await api.call(admin, 'POST', '/v1/eligibility/evaluations', { programCode: 'RURAL_REWARD', personId: head, asOf: '2010-02-30' })
  t.equal(badDate.status, 400)
  const extra = await api.call(admin, 'POST', '/v1/eligibility/evaluations', { programCode: 'RURAL_REWARD', personId: head, reason: 'x' })
  t.equal(extra.status, 400, 'unknown fields are refused')
})

t.test('a programme whose version was retired answers 409 until another is active; a draft can be discarded', async (t) => {
  const { active } = (await api.call(admin, 'GET', '/v1/programs/FREE_SERVICES')).body
  const body = { effectiveFrom: '2020-01-01', rules: active.rules, amounts: active.amounts, funding: active.funding, payment: active.payment, workflow: active.workflow }
  const discarded = await api.call(secondAdmin.token, 'POST', '/v1/programs/FREE_SERVICES/rule-versions', body)
  const retiredDraft = await api.call(secondAdmin.token, 'POST', `/v1/programs/FREE_SERVICES/rule-versions/${discarded.body.version}/transitions`, { action: 'retire', reason: '草稿作废' })
  t.equal(retiredDraft.status, 200, 'an author may discard their own draft')
  t.equal(retiredDraft.body.status, 'retired')
  t.equal((await api.call(admin, 'POST', `/v1/programs/FREE_SERVICES/rule-versions/${discarded.body.version}/transitions`, { action: 'activate' })).body.code,
    'transition_not_allowed', 'a retired version stays retired')

  t.equal((await api.call(admin, 'POST', '/v1/eligibility/evaluations', { programCode: 'FREE_SERVICES', personId: head })).body.code, 'claim_required',
    'version 1 is read while it is active (and kept by the instance)')
  const retired = await api.call(admin, 'POST', '/v1/programs/FREE_SERVICES/rule-versions/1/transitions', { action: 'retire', reason: '停办' })
  t.equal(retired.status, 200)
  const evaluation = await api.call(admin, 'POST', '/v1/eligibility/evaluations', { programCode: 'FREE_SERVICES', personId: head })
  t.equal(evaluation.status, 409)
  t.equal(evaluation.body.code, 'no_active_version')

  // Claims of 2012 (two) and of 2011 (one): a simulation of 2012 lists the year's claims.
  const claim = await event(head!, { type: 'service', date: '2012-03-03', service: 'iud_removal' })
  await event(spouse!, { type: 'service', date: '2012-04-04', service: 'sterilisation' })
  await event(son!, { type: 'service', date: '2011-05-05', service: 'iud_insertion' })
  const next = await api.call(secondAdmin.token, 'POST', '/v1/programs/FREE_SERVICES/rule-versions', body)
  const simulation = await api.call(admin, 'POST', '/v1/programs/FREE_SERVICES/simulations', { ruleVersion: next.body.version, regionCode: world.villageA, year: 2012 })
  t.equal(simulation.status, 202)
  await world.app.jobs.runPending()
  const job = (await api.call(admin, 'GET', `/v1/jobs/${simulation.body.id}`)).body
  t.match(job.result, { activeVersion: null, qualifiedNow: 0, qualifiedThen: 2, gainCount: 2, lossCount: 0, costThen: '640.00' }, 'with no active version every claim that qualifies gains')
  const gains = (await api.call(admin, 'GET', job.result.gains)).body.items
  t.same(gains.map((item: { personId: string, claimId: string, amount: string }) => [item.personId, item.amount]).sort(), [[head, '40.00'], [spouse, '600.00']].sort())
  t.ok(gains.find((item: { personId: string }) => item.personId === head).claimId === claim.id, 'each line names its claim')

  const activated = await api.call(admin, 'POST', `/v1/programs/FREE_SERVICES/rule-versions/${next.body.version}/transitions`, { action: 'activate' })
  t.equal(activated.status, 200)
  t.equal((await api.call(admin, 'POST', '/v1/eligibility/evaluations', { programCode: 'FREE_SERVICES', personId: head, claimId: claim.id })).body.ruleVersion, next.body.version,
    'the version activated since is the one evaluated')
})

t.test('rule versions and lists that do not exist, and cursors the service did not give, are refused', async (t) => {
  const missing = await api.call(admin, 'GET', '/v1/programs/RURAL_REWARD/rule-versions/99')
  t.equal(missing.status, 404)
  t.equal(missing.body.code, 'rule_version_not_found')
  t.equal((await api.call(admin, 'GET', '/v1/programs/RURAL_REWARD/rule-versions/1')).body.status, 'active')
  const started = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.villageA, year: 2010 })
  await world.app.jobs.runPending()
  const badCursor = await api.call(admin, 'GET', `/v1/screenings/${started.body.id}/persons?cursor=bm90LWEtY3Vyc29y`)
  t.equal(badCursor.status, 400)
  t.equal(badCursor.body.code, 'invalid_cursor')
  const noJob = await api.call(admin, 'GET', '/v1/screenings/00000000-0000-4000-8000-000000000000/persons')
  t.equal(noJob.status, 404)
  const unknownVersion = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/simulations', { ruleVersion: 99, regionCode: world.villageA, year: 2012 })
  t.equal(unknownVersion.body.code, 'rule_version_not_found')
})
