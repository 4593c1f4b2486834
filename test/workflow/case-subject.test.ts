import t from 'tap'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, registrar, elderlyCouple, auditOf } = world

t.test('a programme for a child registers a child, someone whose parents are on record; anyone else is refused, override or not', async (t) => {
  t.equal((await api.call(registrar.token, 'GET', '/v1/programs/ONLY_CHILD_HEALTH_FEE')).body.subject, 'child')
  const { head, son } = await elderlyCouple()
  t.same((await api.call(registrar.token, 'GET', `/v1/persons/${head}`)).body.motherId, null, 'the head has no parent on record')

  for (const override of [undefined, { reason: '县文件特批' }]) {
    const refused = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'ONLY_CHILD_HEALTH_FEE', personId: head, ...(override ? { override } : {}) })
    t.match([refused.status, refused.body.code], [422, 'case_subject'], `the head of the household is nobody's child here${override ? ', even with an override' : ''}`)
    t.match(refused.body.detail, /ONLY_CHILD_HEALTH_FEE.*child/)
  }
  t.same(await world.database.db.selectFrom('cases').select('id').where('person_id', '=', head).execute(), [], 'and no case was made')

  // The son is the couple's child: the subject check lets him through, and the evaluator decides (35 years old, no certificate).
  const notEligible = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'ONLY_CHILD_HEALTH_FEE', personId: son })
  t.match([notEligible.status, notEligible.body.code], [422, 'not_eligible'])
  const overridden = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'ONLY_CHILD_HEALTH_FEE', personId: son, override: { reason: '县文件特批' } })
  t.equal(overridden.status, 201, 'a child who does not qualify may be registered with an override')
  t.match(overridden.body, { programCode: 'ONLY_CHILD_HEALTH_FEE', personId: son, status: 'registered', override: { reason: '县文件特批' } })
  t.match(await auditOf(overridden.body.id), [{ action: 'register', to_status: 'registered', reason: '县文件特批' }])

  const household = await api.call(registrar.token, 'POST', '/v1/cases', { programCode: 'GIRLS_TWO_DAUGHTER_STERILISATION', personId: son, override: { reason: 'x' } })
  t.match([household.status, household.body.code], [422, 'case_subject'], 'the household programme still wants the head')
  t.match(household.body.detail, /head of the household/)
})

t.test('every step taken in this file has exactly one audit row, and the trail verifies', (t) => checkTrail(t, world.database.db))
