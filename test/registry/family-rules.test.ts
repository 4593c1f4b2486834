import t from 'tap'
import { regionWorld } from '../helper.js'
import { couple, idNumberFor } from './people.js'

/** Impossible families are refused: two living heads, a person their own ancestor, a male mother, a parent younger than the child. */
const world = await regionWorld(t)
const { api, app } = world
const registrar = await world.officer(['registrar'], world.villageA)

const patch = async (id: string, body: Record<string, unknown>) => {
  const current = await api.call(registrar.token, 'GET', `/v1/persons/${id}`)
  const response = await app.inject({
    method: 'PATCH', url: `/v1/persons/${id}`, payload: body,
    headers: { authorization: `Bearer ${registrar.token}`, 'if-match': String(current.headers.etag) },
  })
  return { status: response.statusCode, body: response.json() }
}
const register = async (sequence: number) => {
  const created = await api.call(registrar.token, 'POST', '/v1/households', couple(world.villageA, sequence))
  if (created.status !== 201) throw new Error(JSON.stringify(created.body))
  const [head, spouse, son] = created.body.members
  return { household: created.body, head, spouse, son }
}

t.test('one living head per household', async (t) => {
  const { household, head, spouse } = await register(1)
  const second = await patch(spouse.id, { relationship: 'head' })
  t.equal(second.status, 422)
  t.match(second.body, { code: 'household_head', detail: 'The household has a head already.' })
  const issueCase = await patch(spouse.id, { relationship: 'head', motherId: spouse.id })
  t.equal(issueCase.status, 422, 'the request of the report: a second head who is her own mother')
  t.ok(['household_head', 'parent_cycle'].includes(issueCase.body.code))
  const members = (await api.call(registrar.token, 'GET', `/v1/households/${household.id}`)).body.members
  t.equal(members.filter((member: { relationship: string }) => member.relationship === 'head').length, 1, 'still one head')

  t.equal((await patch(head.id, { deathDate: '2010-05-01' })).status, 200, 'the head dies')
  t.equal((await patch(spouse.id, { relationship: 'head' })).status, 200, 'the widow becomes head')
  const revived = await patch(head.id, { deathDate: null })
  t.equal(revived.status, 422, 'a mistaken death cleared would make two living heads')
  t.equal(revived.body.code, 'household_head')
  const added = await api.call(registrar.token, 'POST', `/v1/households/${household.id}/members`, {
    name: '新户主', idNumber: idNumberFor('1970-01-01', 'male', 31), sex: 'male', birthDate: '1970-01-01', relationship: 'head',
  })
  t.equal(added.status, 422, 'nor may a new member come in as a second head')
})

t.test('two changes that would each make a second head: exactly one goes through', async (t) => {
  const { head, spouse, son } = await register(2)
  t.equal((await patch(head.id, { relationship: 'other' })).status, 200, 'the household has no head for a moment')
  const [a, b] = await Promise.all([patch(spouse.id, { relationship: 'head' }), patch(son.id, { relationship: 'head' })])
  t.same([a.status, b.status].sort(), [200, 422])
})

t.test('nobody is their own parent or ancestor', async (t) => {
  const { head, son } = await register(3)
  const self = await patch(head.id, { motherId: head.id })
  t.equal(self.status, 422)
  t.match(self.body, { code: 'parent_cycle', errors: [{ path: '/body/motherId' }] })
  const child = await patch(head.id, { fatherId: son.id })
  t.equal(child.status, 422, 'their own son as their father')
  t.equal(child.body.code, 'parent_cycle')
  const grandchild = await api.call(registrar.token, 'POST', `/v1/households/${head.householdId}/members`, {
    name: '孙子', idNumber: idNumberFor('2000-02-02', 'male', 32), sex: 'male', birthDate: '2000-02-02', relationship: 'other', fatherId: son.id,
  })
  t.equal(grandchild.status, 201)
  const loop = await patch(head.id, { fatherId: grandchild.body.id })
  t.equal(loop.status, 422, 'their grandson as their father')
  t.equal(loop.body.code, 'parent_cycle')
})

t.test('a mother is a woman and a father a man, each older than the child', async (t) => {
  const { head, spouse, son } = await register(4)
  const elder = await register(5)
  const maleMother = await patch(son.id, { motherId: elder.head.id })
  t.match(maleMother, { status: 422, body: { code: 'parent_sex', errors: [{ path: '/body/motherId' }] } })
  const femaleFather = await patch(son.id, { fatherId: elder.spouse.id })
  t.match(femaleFather, { status: 422, body: { code: 'parent_sex', errors: [{ path: '/body/fatherId' }] } })
  const younger = await patch(head.id, { motherId: spouse.id })
  t.match(younger, { status: 422, body: { code: 'parent_younger', errors: [{ path: '/body/motherId' }] } }, 'his wife, born after him, as his mother')
  t.equal((await patch(son.id, { motherId: elder.spouse.id, fatherId: elder.head.id })).status, 200, 'older parents of the right sexes')

  const becomesMale = await patch(elder.spouse.id, { sex: 'male', idNumber: idNumberFor('1947-05-06', 'male', 5) })
  t.match(becomesMale, { status: 422, body: { code: 'parent_sex', errors: [{ path: '/body/sex' }] } }, 'a recorded mother cannot become male')
  const bornLater = await patch(elder.head.id, { birthDate: '1980-01-01', idNumber: idNumberFor('1980-01-01', 'male', 5) })
  t.match(bornLater, { status: 422, body: { code: 'parent_younger', errors: [{ path: '/body/birthDate' }] } }, 'a father cannot be born after his son')
  const sonEarlier = await patch(son.id, { birthDate: '1940-01-01', idNumber: idNumberFor('1940-01-01', 'male', 4) })
  t.match(sonEarlier, { status: 422, body: { code: 'parent_younger', errors: [{ path: '/body/motherId' }] } }, 'nor a son born before his mother')
})

t.test('new households and members are held to the same rules', async (t) => {
  const { head } = await register(6)
  const household = couple(world.villageA, 7)
  const namedMale = await api.call(registrar.token, 'POST', '/v1/households', {
    ...household, members: [{ ...household.members[0]!, motherId: head.id }, ...household.members.slice(1)],
  })
  t.match(namedMale, { status: 422, body: { code: 'parent_sex', errors: [{ path: '/body/members/0/motherId' }] } })
  const olderChild = await api.call(registrar.token, 'POST', '/v1/households', {
    ...household, members: [...household.members.slice(0, 2), { ...household.members[2]!, birthDate: '1940-09-10', idNumber: idNumberFor('1940-09-10', 'male', 7) }],
  })
  t.match(olderChild, { status: 422, body: { code: 'parent_younger', errors: [{ path: '/body/members/2/motherId' }] } }, 'a child older than the head and spouse it is linked to')
  const addedOlder = await api.call(registrar.token, 'POST', `/v1/households/${head.householdId}/members`, {
    name: '老儿子', idNumber: idNumberFor('1930-03-03', 'male', 33), sex: 'male', birthDate: '1930-03-03', relationship: 'child',
  })
  t.match(addedOlder, { status: 422, body: { code: 'parent_younger', errors: [{ path: '/body/motherId' }] } })
})

t.test('an import refuses an impossible family by its row', async (t) => {
  const header = 'household,regionCode,hukouType,address,name,idNumber,sex,birthDate,relationship'
  const file = [
    header,
    `K,${world.villageA},agricultural,K号,父,${idNumberFor('1960-01-01', 'male', 41)},male,1960-01-01,head`,
    `K,${world.villageA},agricultural,K号,子,${idNumberFor('1950-01-01', 'male', 41)},male,1950-01-01,child`,
  ].join('\n')
  const queued = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: file,
    headers: { authorization: `Bearer ${registrar.token}`, 'content-type': 'text/csv' },
  })
  await app.jobs.runPending()
  const job = await api.call(registrar.token, 'GET', `/v1/jobs/${queued.json().id}`)
  t.match(job.body, { status: 'succeeded', result: { households: 0 } })
  t.same(job.body.result.errors, [
    { row: 1, message: 'not imported: row 2 of its household is invalid' },
    { row: 2, message: 'column relationship: A father is born before their child: the person linked as father is not older.' },
  ])
})
