import t from 'tap'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, registrar, investigator, elderlyCouple, register, auditOf } = world

t.test('a registrar turns a screening\'s candidates into cases in bulk, each registered or refused on its own', async (t) => {
  const couples = [await elderlyCouple(), await elderlyCouple(), await elderlyCouple()]
  const already = await register(couples[0]!.head)

  const screening = await api.call(registrar.token, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.villageA, year: 2010 })
  t.equal(screening.status, 202)
  await world.app.jobs.runPending()
  const screened = (await api.call(registrar.token, 'GET', `/v1/jobs/${screening.body.id}`)).body
  t.equal(screened.status, 'succeeded')
  const candidates = (await api.call(registrar.token, 'GET', `/v1/screenings/${screening.body.id}/persons?limit=100`)).body.items.map((item: { personId: string }) => item.personId)
  const expected = couples.flatMap((couple) => [couple.head, couple.spouse])
  t.same([...candidates].sort(), expected.filter((id) => id !== couples[0]!.head).sort(),
    'the heads (65) and spouses (63) of the three couples qualify in 2010, their sons (35) do not, and the head with a case is no candidate')
  t.match(screened.result, { qualifiedCount: 6, candidateCount: 5 })

  t.equal((await api.call(investigator.token, 'POST', '/v1/cases/registrations', { screeningId: screening.body.id })).body.code, 'role_forbidden')
  const started = await api.call(registrar.token, 'POST', '/v1/cases/registrations', {
    screeningId: screening.body.id, personIds: [...expected, couples[1]!.son],
  })
  t.equal(started.status, 202)
  t.equal(started.body.kind, 'workflow.registrations')
  await world.app.jobs.runPending()
  const job = (await api.call(registrar.token, 'GET', `/v1/jobs/${started.body.id}`)).body
  t.equal(job.status, 'succeeded')
  t.match(job.result, { registeredCount: 5, refusedCount: 2, programCode: 'RURAL_REWARD' })
  t.same(job.result.refused.map((row: { personId: string, code: string }) => [row.personId, row.code]).sort(), [
    [couples[0]!.head, 'not_a_candidate'], [couples[1]!.son, 'not_a_candidate'],
  ].sort())

  const registered = (await api.call(registrar.token, 'GET', '/v1/cases?program=RURAL_REWARD&status=registered&limit=100')).body.items
  const persons = registered.map((item: { personId: string }) => item.personId)
  for (const personId of expected) t.ok(persons.includes(personId), 'each candidate has a registered case')
  t.equal(registered.length, 6, 'five new and the one registered before')
  const fresh = registered.find((item: { personId: string }) => item.personId === couples[2]!.spouse)
  t.match(fresh, { status: 'registered', registeredOn: '2010-03-15', ruleVersion: 1 })
  const [row] = await auditOf(fresh.id)
  t.match(row, { action: 'register', to_status: 'registered', actor_name: '王登记', actor_role: 'registrar', changes: { screeningId: screening.body.id } })
  t.equal((await auditOf(already)).length, 1, 'the case registered before is untouched')

  const rescreen = await api.call(registrar.token, 'POST', '/v1/programs/RURAL_REWARD/screenings', { regionCode: world.villageA, year: 2010 })
  await world.app.jobs.runPending()
  t.match((await api.call(registrar.token, 'GET', `/v1/jobs/${rescreen.body.id}`)).body.result, { qualifiedCount: 6, candidateCount: 0 },
    'screened again, all six still qualify and none is a candidate: each has a case')

  const again = await api.call(registrar.token, 'POST', '/v1/cases/registrations', { screeningId: screening.body.id })
  await world.app.jobs.runPending()
  t.match((await api.call(registrar.token, 'GET', `/v1/jobs/${again.body.id}`)).body.result, { registeredCount: 0, refusedCount: 5 }, 'running it twice registers nobody twice')
  t.ok((await api.call(registrar.token, 'GET', `/v1/jobs/${again.body.id}`)).body.result.refused.every((row: { code: string }) => row.code === 'case_exists'))
})

t.test('every step taken in this file has exactly one audit row, and the trail verifies', (t) => checkTrail(t, world.database.db))
