import t from 'tap'
import { idNumberFor } from '../registry/people.js'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, admin, registrar, investigator, reviewer, confirmer, setClock, elderlyCouple, register, step } = world

/** A case taken through the default workflow to active, on the world's clock from its current day. */
async function beneficiary (personId: string, from: string) {
  const next = (days: number) => new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
  await setClock(from)
  const id = await register(personId)
  await step(investigator, id, 'investigate')
  await setClock(next(7))
  await step(reviewer, id, 'review')
  await setClock(next(14))
  await step(confirmer, id, 'confirm')
  await setClock(next(21))
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases/${id}`)).body.status, 'active')
  return id
}

t.test('the annual review lists a beneficiary who no longer qualifies and one who turned 60; a death has exited its case already', async (t) => {
  const staying = await elderlyCouple()
  const moving = await elderlyCouple()
  const dying = await elderlyCouple()
  const stays = await beneficiary(staying.head, '2010-03-15')
  const moves = await beneficiary(moving.head, '2010-04-15')
  const dies = await beneficiary(dying.head, '2010-05-15')
  // Born 1951: 59 at the end of 2010, 60 in 2011.
  const younger = await api.call(admin, 'POST', '/v1/households', {
    regionCode: world.villageA, hukouType: 'agricultural', address: '新户',
    members: [
      { name: '周新', idNumber: idNumberFor('1951-07-01', 'male', 61), sex: 'male', birthDate: '1951-07-01', relationship: 'head' },
      { name: '吴新', idNumber: idNumberFor('1953-07-01', 'female', 61), sex: 'female', birthDate: '1953-07-01', relationship: 'spouse' },
      { name: '周子', idNumber: idNumberFor('1980-07-01', 'male', 61), sex: 'male', birthDate: '1980-07-01', relationship: 'child' },
    ],
  })
  t.equal(younger.status, 201)

  await setClock('2011-01-10')
  const household = await api.call(admin, 'GET', `/v1/households/${moving.household}`)
  const moved = await world.app.inject({
    method: 'PATCH', url: `/v1/households/${moving.household}`, payload: { hukouType: 'non_agricultural' },
    headers: { authorization: `Bearer ${admin}`, 'if-match': household.headers.etag as string },
  })
  t.equal(moved.statusCode, 200, 'the household turns urban')
  t.equal((await api.call(registrar.token, 'POST', `/v1/persons/${dying.head}/events`, { type: 'death', date: '2011-01-05' })).status, 201)
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases/${dies}`)).body.status, 'exited', 'the death exited its case at once')

  const started = await api.call(confirmer.token, 'POST', '/v1/programs/RURAL_REWARD/reviews', { regionCode: world.villageA, year: 2011 })
  t.equal(started.status, 202)
  t.equal(started.body.kind, 'eligibility.review')
  await world.app.jobs.runPending()
  const review = (await api.call(confirmer.token, 'GET', `/v1/jobs/${started.body.id}`)).body
  t.equal(review.status, 'succeeded')
  t.match(review.result, { programCode: 'RURAL_REWARD', year: 2011, reviewedCount: 2, exitCount: 1 }, 'the two beneficiaries still active were reviewed')

  const exits = (await api.call(confirmer.token, 'GET', `/v1/reviews/${started.body.id}/persons?outcome=exit`)).body.items
  t.same(exits.map((item: { personId: string, failedOn: string }) => [item.personId, item.failedOn]), [[moving.head, 'rural']],
    'the beneficiary whose household turned urban, with the criterion failed')
  const candidates = (await api.call(confirmer.token, 'GET', `/v1/reviews/${started.body.id}/persons?outcome=candidate&limit=100`)).body.items
    .map((item: { personId: string }) => item.personId)
  t.ok(candidates.includes(younger.body.members[0].id), 'the man who turns 60 in 2011 is a candidate')
  t.notOk(candidates.includes(younger.body.members[1].id), 'his wife, 58, is not')
  t.notOk(candidates.includes(staying.head), 'a beneficiary is not a candidate again')
  t.ok(candidates.includes(staying.spouse), 'the spouses of beneficiaries qualify on their own and have no case yet')
  t.equal(review.result.candidateCount, candidates.length)
  t.ok(review.result.qualifiedCount > review.result.candidateCount, 'qualified counts the beneficiary too; candidates do not')

  t.equal((await step(confirmer, moves, 'exit', { reason: `年度核查 ${started.body.id}：转为城镇户口` })).body.status, 'exited', 'the confirmer acts on the review')
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases/${stays}`)).body.status, 'active')
})

t.test('every step taken in this file has exactly one audit row, and the trail verifies', (t) => checkTrail(t, world.database.db))
