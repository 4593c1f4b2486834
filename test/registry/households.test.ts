import t from 'tap'
import { regionWorld } from '../helper.js'
import { couple, idNumberFor } from './people.js'

const world = await regionWorld(t)
const { api } = world
const db = world.database.db
const registrarA = await world.officer(['registrar'], world.villageA, '甲村登记员')
const reviewerA = await world.officer(['reviewer'], world.townA, '甲镇审核员')
const registrarB = await world.officer(['registrar'], world.villageB, '乙村登记员')

const first = await api.call(registrarA.token, 'POST', '/v1/households', couple(world.villageA, 1))

t.test('a household is registered with its members, children linked to the head and spouse', async (t) => {
  t.equal(first.status, 201, JSON.stringify(first.body))
  t.equal(first.headers.etag, '"1"')
  t.equal(first.headers.location, `/v1/households/${first.body.id}`)
  const [head, spouse, son] = first.body.members
  t.match(head, { name: '张明', relationship: 'head', sex: 'male', birthDate: '1945-01-01', deathDate: null, version: 1 })
  t.match(son, { relationship: 'child', motherId: spouse.id, fatherId: head.id })
  t.equal(head.motherId, null)
})

t.test('the whole ID number is shown to registrars, masked to other roles', async (t) => {
  t.equal(first.body.members[0].idNumber, couple(world.villageA, 1).members[0]!.idNumber)
  const seenByReviewer = await api.call(reviewerA.token, 'GET', `/v1/households/${first.body.id}`)
  t.equal(seenByReviewer.status, 200)
  for (const member of seenByReviewer.body.members) t.match(member.idNumber, /^420102\*{8}[0-9X]{4}$/)
  const stored = await db.selectFrom('persons').selectAll().where('household_id', '=', first.body.id).execute()
  for (const row of stored) {
    t.notOk(JSON.stringify(row).includes(couple(world.villageA, 1).members[0]!.idNumber), 'no ID number in clear in the row')
  }
})

t.test('ID numbers that are wrong are refused with a code saying why', async (t) => {
  const household = couple(world.villageA, 2)
  const cases: Array<[string, Partial<(typeof household.members)[number]>]> = [
    ['id_number_check_digit', { idNumber: `${household.members[0]!.idNumber.slice(0, 17)}${household.members[0]!.idNumber[17] === '1' ? '2' : '1'}` }],
    ['id_number_birth_date_mismatch', { birthDate: '1945-01-02' }],
    ['id_number_sex_mismatch', { sex: 'female' }],
    ['id_number_length', { idNumber: household.members[0]!.idNumber.slice(0, 16) }],
    ['id_number_birth_date', { idNumber: `${household.members[0]!.idNumber.slice(0, 6)}450230123` }],
    ['id_number_characters', { idNumber: `4201A2${household.members[0]!.idNumber.slice(6)}` }],
    ['id_number_characters', { idNumber: `${household.members[0]!.idNumber.slice(0, 17)}Y` }],
  ]
  for (const [code, change] of cases) {
    const body = { ...household, members: [{ ...household.members[0]!, ...change }, ...household.members.slice(1)] }
    const refused = await api.call(registrarA.token, 'POST', '/v1/households', body)
    t.equal(refused.status, 422, code)
    t.equal(refused.body.code, code)
    t.match(refused.body.errors, [{ path: '/body/members/0/idNumber' }])
  }
  const count = await db.selectFrom('households').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 1, 'nothing was written')
})

t.test('impossible dates are refused', async (t) => {
  const household = couple(world.villageA, 3)
  const dead = await api.call(registrarA.token, 'POST', '/v1/households', { ...household, members: [{ ...household.members[0]!, deathDate: '1944-01-01' }] })
  t.equal(dead.status, 422)
  t.equal(dead.body.code, 'death_before_birth')
  const later = await api.call(registrarA.token, 'POST', '/v1/households', { ...household, members: [{ ...household.members[0]!, deathDate: '2999-01-01' }] })
  t.equal(later.body.code, 'date_in_future')
  const headless = await api.call(registrarA.token, 'POST', '/v1/households', { ...household, members: household.members.slice(1) })
  t.equal(headless.body.code, 'household_head')
  const township = await api.call(world.admin, 'POST', '/v1/households', { ...household, regionCode: world.townA })
  t.equal(township.body.code, 'household_region_level')
})

t.test('the same living person cannot be in two households', async (t) => {
  const again = await api.call(registrarA.token, 'POST', '/v1/households', { ...couple(world.villageA, 1), address: '另一处' })
  t.equal(again.status, 409)
  t.equal(again.body.code, 'person_exists')
  const named = /\/v1\/persons\/([0-9a-f-]{36})/.exec(again.body.detail)?.[1]
  t.ok(first.body.members.some((member: { id: string }) => member.id === named), 'points at the existing person')
  const elsewhere = await api.call(registrarB.token, 'POST', '/v1/households', { ...couple(world.villageB, 1), address: '乙村' })
  t.equal(elsewhere.status, 409)
  t.notMatch(elsewhere.body.detail, /\/v1\/persons\//, 'but not to someone who may not see them')
})

t.test('If-Match: required, stale is 412, current updates and moves the ETag', async (t) => {
  const url = `/v1/households/${first.body.id}`
  const missing = await api.call(registrarA.token, 'PATCH', url, { address: '新址' })
  t.equal(missing.status, 428)
  t.equal(missing.body.code, 'if_match_required')
  const patch = (ifMatch: string) => world.app.inject({
    method: 'PATCH', url, payload: { address: '新址' },
    headers: { authorization: `Bearer ${registrarA.token}`, 'if-match': ifMatch },
  })
  const stale = await patch('"7"')
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().code, 'version_mismatch')
  const ok = await patch('"1"')
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers.etag, '"2"')
  t.equal(ok.json().address, '新址')
  t.equal((await patch('"1"')).statusCode, 412, 'the old ETag is stale now')
})

t.test('a person is corrected with If-Match, and the correction is audited with personal data masked', async (t) => {
  const person = first.body.members[2]
  const response = await world.app.inject({
    method: 'PATCH', url: `/v1/persons/${person.id}`, payload: { name: '张小强', disabilityGrade: 2, disabilityCertificate: 'C-1' },
    headers: { authorization: `Bearer ${registrarA.token}`, 'if-match': '"1"' },
  })
  t.equal(response.statusCode, 200)
  t.match(response.json(), { name: '张小强', disabilityGrade: 2, version: 2 })
  const badSex = await world.app.inject({
    method: 'PATCH', url: `/v1/persons/${person.id}`, payload: { sex: 'female' },
    headers: { authorization: `Bearer ${registrarA.token}`, 'if-match': '"2"' },
  })
  t.equal(badSex.json().code, 'id_number_sex_mismatch', 'facts are checked against the ID number on every change')
  const trail = await api.call(world.admin, 'GET', `/v1/audit-events?entityType=person&entityId=${person.id}`)
  t.match(trail.body.items.at(-1), { action: 'update', changes: { name: { from: '张*', to: '张*强' }, disabilityGrade: { from: null, to: 2 } } })
})

t.test('no ID number or name appears in clear in the audit trail', async (t) => {
  const rows = await db.selectFrom('audit_events').select('changes').execute()
  const text = JSON.stringify(rows)
  for (const member of couple(world.villageA, 1).members) {
    t.notOk(text.includes(member.idNumber), 'ID number masked')
    t.notOk(text.includes(`"${member.name}"`), `${member.name} masked`)
  }
})

t.test('members are added; a second head is refused', async (t) => {
  const daughter = { name: '张丽', idNumber: idNumberFor('1980-02-03', 'female', 1), sex: 'female', birthDate: '1980-02-03', relationship: 'child' }
  const added = await api.call(registrarA.token, 'POST', `/v1/households/${first.body.id}/members`, daughter)
  t.equal(added.status, 201)
  t.match(added.body, { fatherId: first.body.members[0].id, motherId: first.body.members[1].id })
  const head = await api.call(registrarA.token, 'POST', `/v1/households/${first.body.id}/members`, { ...daughter, idNumber: idNumberFor('1980-02-03', 'female', 2), relationship: 'head' })
  t.equal(head.body.code, 'household_head')
})

t.test('lookup by ID number finds the person in your region only', async (t) => {
  const idNumber = couple(world.villageA, 1).members[0]!.idNumber
  const found = await api.call(reviewerA.token, 'GET', `/v1/persons?idNumber=${idNumber}`)
  t.equal(found.status, 200)
  t.equal(found.body.items.length, 1)
  t.equal(found.body.items[0].id, first.body.members[0].id)
  const other = await api.call(registrarB.token, 'GET', `/v1/persons?idNumber=${idNumber}`)
  t.same(other.body.items, [])
  const malformed = await api.call(reviewerA.token, 'GET', '/v1/persons?idNumber=123')
  t.equal(malformed.status, 422)
})

t.test('households list by region, hukou type and a member\'s name, with a cursor', async (t) => {
  for (let i = 10; i < 13; i++) await api.call(registrarA.token, 'POST', '/v1/households', { ...couple(world.villageA, i), hukouType: 'rural_resident' })
  const page = await api.call(reviewerA.token, 'GET', '/v1/households?hukouType=rural_resident&limit=2')
  t.equal(page.body.items.length, 2)
  const rest = await api.call(reviewerA.token, 'GET', `/v1/households?hukouType=rural_resident&limit=2&cursor=${page.body.nextCursor}`)
  t.equal(rest.body.items.length, 1)
  t.equal(rest.body.nextCursor, null)
  const byName = await api.call(reviewerA.token, 'GET', `/v1/households?name=${encodeURIComponent('张丽')}`)
  t.same(byName.body.items.map((household: { id: string }) => household.id), [first.body.id])
})

t.test('outside the region: reads and writes are 404', async (t) => {
  const household = first.body.id
  const person = first.body.members[0].id
  for (const [method, url, body] of [
    ['GET', `/v1/households/${household}`, undefined],
    ['PATCH', `/v1/households/${household}`, { address: 'x' }],
    ['POST', `/v1/households/${household}/members`, { name: '外', idNumber: idNumberFor('1990-01-01', 'male', 5), sex: 'male', birthDate: '1990-01-01', relationship: 'other' }],
    ['GET', `/v1/persons/${person}`, undefined],
    ['PATCH', `/v1/persons/${person}`, { name: 'x' }],
    ['GET', `/v1/households?region=${world.villageA}`, undefined],
    ['POST', '/v1/households', couple(world.villageA, 40)],
  ] as const) {
    const response = await api.call(registrarB.token, method, url, body)
    t.equal(response.status, 404, `${method} ${url}`)
  }
})

/** The number as a Chinese input method in full-width mode types it. */
const fullWidth = (text: string) => text.replace(/[0-9A-Za-z]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xFEE0))

t.test('ID numbers are kept as the 18-character form whatever way they were typed, and found by any of them', async (t) => {
  // 420102 480301 123 is 420102 19480301 123 5 (the check worked by hand in id-number.test.ts).
  const son = Array.from({ length: 100 }, (_, sequence) => idNumberFor('1975-09-10', 'male', 300 + sequence)).find((number) => number.endsWith('X'))!
  const spouse = idNumberFor('1950-05-06', 'female', 301)
  const household = {
    regionCode: world.villageA, hukouType: 'agricultural', address: '旧证号',
    members: [
      { name: '老王', idNumber: ' 420102480301123 ', sex: 'male', birthDate: '1948-03-01', relationship: 'head' },
      { name: '老李', idNumber: fullWidth(spouse), sex: 'female', birthDate: '1950-05-06', relationship: 'spouse' },
      { name: '小王', idNumber: son.toLowerCase(), sex: 'male', birthDate: '1975-09-10', relationship: 'child' },
    ],
  }
  const created = await api.call(registrarA.token, 'POST', '/v1/households', household)
  t.equal(created.status, 201, JSON.stringify(created.body))
  t.same(created.body.members.map((member: { idNumber: string }) => member.idNumber), ['420102194803011235', spouse, son])

  for (const typed of ['420102480301123', '420102194803011235', fullWidth('420102480301123')]) {
    const found = await api.call(reviewerA.token, 'GET', `/v1/persons?idNumber=${encodeURIComponent(typed)}`)
    t.same(found.body.items.map((person: { id: string }) => person.id), [created.body.members[0].id], `found by ${typed.length} characters`)
  }
  const again = await api.call(registrarA.token, 'POST', '/v1/households', { ...household, address: '重复', members: [{ ...household.members[0]!, idNumber: '420102194803011235' }] })
  t.equal(again.body.code, 'person_exists', 'the 15-digit and the 18-digit forms are one person')

  const corrected = idNumberFor('1950-05-06', 'female', 302)
  const patched = await world.app.inject({
    method: 'PATCH', url: `/v1/persons/${created.body.members[1].id}`, payload: { idNumber: fullWidth(corrected) },
    headers: { authorization: `Bearer ${registrarA.token}`, 'if-match': '"1"' },
  })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().idNumber, corrected, 'a correction is kept in the same form')
  const added = await api.call(registrarA.token, 'POST', `/v1/households/${created.body.id}/members`,
    { name: '王孙', idNumber: `${fullWidth('420102')}980101003`, sex: 'male', birthDate: '1998-01-01', relationship: 'other' })
  t.equal(added.status, 201, JSON.stringify(added.body))
  t.equal(added.body.idNumber.length, 18, 'a new member\'s 15-digit number is converted too')
})
