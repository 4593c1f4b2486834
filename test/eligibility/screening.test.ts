import t from 'tap'
import { idNumberFor } from '../registry/people.js'
import { eligibilityWorld } from './world.js'

const world = await eligibilityWorld(t)
const { api, admin, household, evaluate } = world
const secondAdmin = await world.officer(['admin'], world.district, '第二管理员')
const reviewerB = await world.officer(['reviewer'], world.townB, '乙镇审核员')
const registrarB = await world.officer(['registrar'], world.villageB, '乙村登记员')

// Village A: three couples who qualify for RURAL_REWARD in 2012 (one aged 62, two older),
// one that does not (a son and a daughter), and one too young.
const couple = async (husbandBorn: string, children: Array<'male' | 'female'>) => household([
  { sex: 'male', birthDate: husbandBorn, relationship: 'head' },
  { sex: 'female', birthDate: husbandBorn, relationship: 'spouse' },
  ...children.map((sex, index) => ({ sex, birthDate: `19${70 + index}-01-01`, relationship: 'child' as const })),
])
const qualifying = [await couple('1950-06-01', ['male']), await couple('1940-01-01', ['female', 'female']), await couple('1945-03-03', ['female'])]
const notQualifying = [await couple('1944-01-01', ['male', 'female']), await couple('1960-01-01', ['male'])]
const inVillageB = await (async () => {
  const answer = await api.call(registrarB.token, 'POST', '/v1/households', {
    regionCode: world.villageB, hukouType: 'agricultural', address: '乙村1号',
    members: [
      { name: '王五', idNumber: idNumberFor('1940-01-01', 'male', 301), sex: 'male', birthDate: '1940-01-01', relationship: 'head' },
      { name: '王小', idNumber: idNumberFor('1970-01-01', 'male', 301), sex: 'male', birthDate: '1970-01-01', relationship: 'child' },
    ],
  })
  return answer.body.members[0].id as string
})()

async function finished (jobId: string, token = admin) {
  await world.app.jobs.runPending()
  return (await api.call(token, 'GET', `/v1/jobs/${jobId}`)).body
}

t.test('a screening lists everyone who qualifies in the region, as the per-person evaluator decides', async (t) => {
  const started = await api.call(world.registrar.token, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.villageA, year: 2012 })
  t.equal(started.status, 202)
  t.match(started.body, { kind: 'eligibility.screening', status: 'queued' })
  const job = await finished(started.body.id, world.registrar.token)
  t.equal(job.status, 'succeeded')
  t.match(job.result, { programCode: 'RURAL_REWARD', ruleVersion: 1, year: 2012, asOf: '2012-12-31', qualifiedCount: 6, candidateCount: 6, candidateAmount: '5760.00' })
  t.equal(job.done, job.total)

  const listed: Array<{ personId: string, amount: string, outcome: string }> = []
  let cursor: string | null = null
  do {
    const page: any = await api.call(world.registrar.token, 'GET', `${job.result.candidates}&limit=4${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(page.status, 200)
    listed.push(...page.body.items)
    cursor = page.body.nextCursor
  } while (cursor)
  t.equal(listed.length, 6, 'paged through in pages of 4')
  t.ok(listed.every((item) => item.outcome === 'candidate' && item.amount === '960.00'))
  for (const members of [...qualifying, ...notQualifying]) {
    for (const personId of members) {
      const decision = await evaluate('RURAL_REWARD', personId, '2012-12-31')
      t.equal(listed.some((item) => item.personId === personId), decision.eligible, `the list and the evaluator agree on ${personId}`)
    }
  }
  t.notOk(listed.some((item) => item.personId === inVillageB), 'only the region screened')
})

t.test('a screening is scoped: other regions, unknown programmes and future years are refused', async (t) => {
  const elsewhere = await api.call(world.registrar.token, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.villageB, year: 2012 })
  t.equal(elsewhere.status, 404)
  t.equal(elsewhere.body.code, 'region_not_found')
  const unknown = await api.call(world.registrar.token, 'POST', '/v1/programs/NOPE/screenings', { regionCode: world.villageA, year: 2012 })
  t.equal(unknown.body.code, 'program_not_found')
  const future = await api.call(world.registrar.token, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.villageA, year: 2199 })
  t.equal(future.status, 422)
  t.equal(future.body.code, 'year_in_future')
  const started = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.district, year: 2012 })
  const job = await finished(started.body.id)
  t.equal(job.result.qualifiedCount, 7, 'the district sees both villages')
  const fromB = await api.call(reviewerB.token, 'GET', `/v1/screenings/${started.body.id}/persons`)
  t.equal(fromB.status, 404, 'a job of the district is not a township officer\'s')
  const asSimulation = await api.call(admin, 'GET', `/v1/simulations/${started.body.id}/persons`)
  t.equal(asSimulation.status, 404, 'a screening is not a simulation')
})

t.test('a simulation names who would gain and who would lose eligibility, and the change in cost', async (t) => {
  const { active } = (await api.call(admin, 'GET', '/v1/programs/RURAL_REWARD')).body
  const draft = structuredClone({ effectiveFrom: '2012-01-01', rules: active.rules, amounts: active.amounts, funding: active.funding, payment: active.payment, workflow: active.workflow })
  draft.rules.all[2] = { id: 'age', label: 'aged 65 or over in the payment year', fact: 'ageAtYearEnd', op: '>=', value: 65 }
  draft.rules.all[5].any.push({ id: 'sonAndDaughter', label: 'a son and a daughter', fact: 'livingChildren', op: '=', value: 2 })
  draft.amounts.schedule.push({ from: '2012-06-01', tiers: [{ amount: '1200.00' }] })
  const written = await api.call(secondAdmin.token, 'POST', '/v1/programs/RURAL_REWARD/rule-versions', draft)
  t.equal(written.status, 201)

  const refused = await api.call(world.registrar.token, 'POST', '/v1/programs/RURAL_REWARD/simulations', { ruleVersion: written.body.version, regionCode: world.villageA, year: 2012 })
  t.equal(refused.status, 403, 'simulations are for administrators')
  const started = await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/simulations', { ruleVersion: written.body.version, regionCode: world.villageA, year: 2012 })
  t.equal(started.status, 202)
  const job = await finished(started.body.id)
  t.equal(job.status, 'succeeded', JSON.stringify(job.error))
  // The 62-year-old couple loses, the son-and-daughter couple gains; a yearly amount is the one in
  // force on 1 January, so 2012 still costs 960 a person.
  t.match(job.result, { activeVersion: 1, qualifiedNow: 6, qualifiedThen: 6, gainCount: 2, lossCount: 2, costNow: '5760.00', costThen: '5760.00', costChange: '0.00' })
  const losses = (await api.call(admin, 'GET', job.result.losses)).body.items
  t.same(losses.map((item: any) => item.personId).sort(), [...qualifying[0]!.slice(0, 2)].sort())
  t.ok(losses.every((item: any) => item.failedOn === 'age' && item.amount === '960.00'), 'each loss names the criterion it fails')
  const gains = (await api.call(admin, 'GET', job.result.gains)).body.items
  t.same(gains.map((item: any) => item.personId).sort(), [...notQualifying[0]!.slice(0, 2)].sort())
  t.ok(gains.every((item: any) => item.failedOn === null))

  const in2013 = await finished((await api.call(admin, 'POST', '/v1/programs/RURAL_REWARD/simulations', { ruleVersion: written.body.version, regionCode: world.villageA, year: 2013 })).body.id)
  t.match(in2013.result, { costNow: '5760.00', costThen: '7200.00', costChange: '1440.00' }, 'from 2013 the new amount is in force on 1 January')
})
