import t from 'tap'
import { regionWorld } from '../helper.js'

const world = await regionWorld(t)
const { api, admin } = world
const secondAdmin = await world.officer(['admin'], world.district, '第二管理员')
const townshipAdmin = await world.officer(['admin'], world.townA, '镇管理员')
const registrar = await world.officer(['registrar'], world.villageA, '登记员')

const ruralReward = async () => (await api.call(admin, 'GET', '/v1/programs/RURAL_REWARD')).body

/** The active RURAL_REWARD version as a draft body, with changes. */
async function draftFrom (change: (body: any) => void = () => undefined) {
  const { effectiveFrom, rules, amounts, funding, payment, workflow } = (await ruralReward()).active
  const body = structuredClone({ effectiveFrom, rules, amounts, funding, payment, workflow })
  change(body)
  return body
}

t.test('the seven programmes of the catalogue are seeded, each with an active version', async (t) => {
  const list = await api.call(registrar.token, 'GET', '/v1/programs')
  t.equal(list.status, 200)
  t.same(list.body.items.map((program: { code: string }) => program.code).sort(), [
    'FREE_SERVICES', 'GIRLS_COLLEGE_AWARD', 'GIRLS_PRIORITY', 'GIRLS_TWO_DAUGHTER_STERILISATION', 'ONLY_CHILD_HEALTH_FEE', 'RURAL_REWARD', 'SPECIAL_ASSISTANCE',
  ])
  t.ok(list.body.items.every((program: { activeVersion: number }) => program.activeVersion === 1))
  const program = await ruralReward()
  t.equal(program.name, '农村部分计划生育家庭奖励扶助')
  t.same(program.active.amounts.schedule.map((entry: any) => [entry.from, entry.tiers[0].amount]),
    [['2004-01-01', '600.00'], ['2009-01-01', '720.00'], ['2012-01-01', '960.00']])
  t.same(program.active.funding[0].shares, [{ source: 'central', percent: 50 }, { source: 'provincial', percent: 30 }, { source: 'district', percent: 20 }])
  t.match(program.active.workflow.steps[1], { step: 'investigation', role: 'investigator', noticeDays: 7 })
  t.same(program.active.author, { id: null, name: 'huimin catalogue' })
  const missing = await api.call(admin, 'GET', '/v1/programs/NO_SUCH_PROGRAMME')
  t.equal(missing.status, 404)
  t.equal(missing.body.code, 'program_not_found')
})

t.test('a rule naming an unknown fact, operator or a wrong-typed value is refused with the path of the bad node', async (t) => {
  const cases: Array<[string, (body: any) => void, string, string]> = [
    ['unknown fact', (body) => { body.rules.all[2].fact = 'shoeSize' }, 'rule_unknown_fact', '/body/rules/all/2/fact'],
    ['unknown operator', (body) => { body.rules.all[2].op = '≥' }, 'rule_unknown_operator', '/body/rules/all/2/op'],
    ['wrong-typed value', (body) => { body.rules.all[2].value = '60' }, 'rule_value_type', '/body/rules/all/2/value'],
    ['an operator the fact does not take', (body) => { body.rules.all[0].op = '>' }, 'rule_operator_not_for_fact', '/body/rules/all/0/op'],
    ['a bad date deep in the tree', (body) => { body.rules.all[5].any[1].all[1].value = 'two' }, 'rule_value_type', '/body/rules/all/5/any/1/all/1/value'],
    ['a missing parameter', (body) => { delete body.rules.all[4].params.to }, 'rule_params', '/body/rules/all/4/params/to'],
    ['two kinds in one node', (body) => { body.rules.all[1].any = [] }, 'rule_invalid_node', '/body/rules/all/1'],
    ['a tier\'s tree', (body) => { body.amounts.schedule[0].tiers[0].when = { id: 'x', label: 'x', fact: 'age', op: 'in', value: [] } }, 'rule_value_type', '/body/amounts/schedule/0/tiers/0/when/value'],
    ['shares that do not add up', (body) => { body.funding[0].shares[0].percent = 40 }, 'funding_shares', '/body/funding/0/shares'],
    ['a frequency that does not fit the amounts', (body) => { body.payment.frequency = 'once' }, 'payment_frequency', '/body/payment/frequency'],
  ]
  for (const [name, change, code, path] of cases) {
    const answer = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', await draftFrom(change))
    t.equal(answer.status, 422, name)
    t.equal(answer.body.code, code, name)
    t.ok(answer.body.errors.some((error: { path: string }) => error.path === path), `${name}: ${path} in ${JSON.stringify(answer.body.errors)}`)
  }
  const unknownField = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', await draftFrom((body) => { body.rules.all[0].weight = 2 }))
  t.equal(unknownField.status, 400, 'an unknown field in a node is refused, not dropped')
  t.equal((await ruralReward()).versions.length, 1, 'nothing was saved')
})

t.test('a draft is activated by a second district administrator, never its author, and every step is audited', async (t) => {
  const refused = await api.call(registrar.token, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', await draftFrom())
  t.equal(refused.status, 403)
  const township = await api.call(townshipAdmin.token, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', await draftFrom())
  t.equal(township.body.code, 'district_scope_required')

  const draft = await api.call(secondAdmin.token, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', await draftFrom((body) => {
    body.effectiveFrom = '2020-01-01'
    body.amounts.schedule.push({ from: '2020-01-01', tiers: [{ amount: '1080.00' }] })
  }))
  t.equal(draft.status, 201)
  t.match(draft.body, { version: 2, status: 'draft', author: { id: secondAdmin.id, name: '第二管理员' }, activatedBy: null })
  t.equal(draft.headers.location, '/v1/programs/RURAL_REWARD/rule-versions/2')

  const own = await api.call(secondAdmin.token, 'POST', '/v1/programs/RURAL_REWARD/rule-versions/2/transitions', { action: 'activate' })
  t.equal(own.status, 403)
  t.equal(own.body.code, 'four_eyes')

  const activated = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/rule-versions/2/transitions', { action: 'activate', reason: '省文件 2020-1' })
  t.equal(activated.status, 200)
  t.match(activated.body, { status: 'active', activatedBy: { name: '区管理员' } })
  const program = await ruralReward()
  t.equal(program.activeVersion, 2)
  t.same(program.versions.map((version: any) => [version.version, version.status]), [[2, 'active'], [1, 'retired']])

  const again = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/rule-versions/2/transitions', { action: 'activate' })
  t.equal(again.status, 409)
  t.equal(again.body.code, 'transition_not_allowed')

  const trail = await api.call(admin, 'GET', '/v1/audit-events?entityType=rule_version&limit=50')
  const actions = trail.body.items.map((row: any) => [row.action, row.fromStatus, row.toStatus, row.actor.name, row.actor.role])
  t.ok(actions.some((row: unknown[]) => row[0] === 'create' && row[2] === 'draft' && row[3] === '第二管理员'), 'the draft')
  t.ok(actions.some((row: unknown[]) => row[0] === 'activate' && row[1] === 'draft' && row[2] === 'active' && row[3] === '区管理员' && row[4] === 'admin'),
    'its activation, naming the role the step needs')
  t.ok(actions.some((row: unknown[]) => row[0] === 'retire' && row[1] === 'active' && row[2] === 'retired'), 'the version it replaced')
  t.ok(actions.some((row: unknown[]) => row[0] === 'seed' && row[2] === 'active' && row[3] === 'huimin catalogue'), 'the seeded versions')
})
