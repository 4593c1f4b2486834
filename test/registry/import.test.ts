import t from 'tap'
import { regionWorld } from '../helper.js'
import { couple, idNumberFor } from './people.js'

const world = await regionWorld(t)
const { api, app } = world
const db = world.database.db
const registrar = await world.officer(['registrar'], world.townA, '甲镇登记员')

async function importFile (contentType: string, body: string, token = registrar.token) {
  const response = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: body,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
  })
  if (response.statusCode !== 202) return { status: response.statusCode, body: response.json() }
  await app.jobs.runPending()
  const job = await api.call(token, 'GET', `/v1/jobs/${response.json().id}`)
  return { status: 202, body: job.body, queued: response.json() }
}

const header = 'household,regionCode,hukouType,address,name,idNumber,sex,birthDate,relationship,deathDate'
const row = (household: string, region: string, name: string, birthDate: string, sex: 'male' | 'female', relationship: string, sequence: number, deathDate = '') =>
  `${household},${region},agricultural,${household}号,${name},${idNumberFor(birthDate, sex, sequence)},${sex},${birthDate},${relationship},${deathDate}`
const csv = [
  header,
  row('H1', world.villageA, '王大', '1950-01-01', 'male', 'head', 201),
  row('H1', world.villageA, '刘二', '1952-02-02', 'female', 'spouse', 201),
  row('H1', world.villageA, '王三', '1978-03-03', 'male', 'child', 201),
  row('H2', world.villageA, '陈四', '1949-04-04', 'male', 'head', 202),
  row('H2', world.villageA, '周五', '1951-05-05', 'female', 'spouse', 202),
  row('H3', world.villageA, '赵六', '1948-06-06', 'male', 'head', 203).replace(/,(\d{17})\d,/, ',$1Y,'),
  row('H3', world.villageA, '孙七', '1950-07-07', 'female', 'spouse', 203),
  row('H4', world.villageB, '外八', '1950-08-08', 'male', 'head', 204),
].join('\n')

const personCount = async () => Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

t.test('a CSV with good and bad rows: the good households go in, the bad rows are listed, nothing else is written', async (t) => {
  const before = await personCount()
  const result = await importFile('text/csv', csv)
  t.equal(result.status, 202)
  t.match(result.queued, { kind: 'import.households', status: 'queued', done: 0 })
  t.match(result.body, { status: 'succeeded', done: 8, total: 8 })
  t.match(result.body.result, { inserted: 5, households: 2, skipped: 0 })
  t.same(result.body.result.errors.map((error: { row: number }) => error.row), [6, 7, 8])
  t.match(result.body.result.errors[0].message, /17 digits/)
  t.match(result.body.result.errors[1].message, /row 6/)
  t.match(result.body.result.errors[2].message, /not a village or hamlet in your region/)
  t.equal(await personCount(), before + 5)
  const h1 = await api.call(registrar.token, 'GET', `/v1/households?name=${encodeURIComponent('王三')}`)
  const members = h1.body.items[0].members
  t.match(members[2], { name: '王三', motherId: members[1].id, fatherId: members[0].id }, 'children are linked as on the API')
  const audit = await db.selectFrom('audit_events').select(['entity_type', 'changes']).where('action', '=', 'import').execute()
  t.equal(audit.length, 2, 'each household imported is audited')
  const h2 = await api.call(registrar.token, 'GET', `/v1/households?name=${encodeURIComponent('陈四')}`)
  const imported = [...h1.body.items, ...h2.body.items].flatMap((household: { members: Array<{ id: string }> }) => household.members.map((member) => member.id))
  const audited = audit.flatMap((row) => (row.changes as { members: Array<{ id: string }> }).members.map((member) => member.id))
  t.same(audited.sort(), imported.sort(), 'naming every member it imported')
  t.notOk(JSON.stringify(audit).includes(idNumberFor('1950-01-01', 'male', 201)), 'with ID numbers masked')
  const job = await db.selectFrom('jobs').select('payload').where('id', '=', result.queued.id).executeTakeFirstOrThrow()
  t.equal(job.payload, null, 'the uploaded file is not kept')
})

t.test('importing the same file again adds nothing', async (t) => {
  const before = await personCount()
  const result = await importFile('text/csv', csv)
  t.match(result.body.result, { inserted: 0, households: 0, skipped: 5 })
  t.same(result.body.result.errors.map((error: { row: number }) => error.row), [6, 7, 8])
  t.equal(await personCount(), before)
})

t.test('a Chinese header and Chinese values are read the same', async (t) => {
  const chinese = [
    '\uFEFF户号,区划代码,户口类型,地址,姓名,身份证号,性别,出生日期,与户主关系',
    `甲,${world.villageA},农业,甲号,钱一,${idNumberFor('1946-01-01', 'male', 211)},男,1946-01-01,户主`,
    `甲,${world.villageA},农业,甲号,吴二,${idNumberFor('1947-01-01', 'female', 211)},女,1947-01-01,配偶`,
  ].join('\r\n')
  const result = await importFile('text/csv', chinese)
  t.match(result.body.result, { inserted: 2, households: 1, errors: [] })
})

t.test('an unreadable header fails the job and says why', async (t) => {
  const result = await importFile('text/csv', 'household,regionCode,colour\nH9,x,red')
  t.match(result.body, { status: 'failed', error: /unknown columns at positions 3.*missing columns: hukouType/ })
  const headless = await importFile('text/csv', csv.split('\n').slice(1).join('\n'))
  t.match(headless.body, { status: 'failed', error: /is the header row missing\?/ })
  t.notMatch(headless.body.error, idNumberFor('1950-01-01', 'male', 201), 'the first row\'s ID number is not quoted back')
  t.notMatch(headless.body.error, '王大')
})

t.test('NDJSON: one household per line, the API body exactly', async (t) => {
  const good = couple(world.villageA, 221)
  const lines = [
    JSON.stringify(good),
    JSON.stringify(couple(world.villageA, 222)),
    '{"regionCode": ',
    JSON.stringify({ ...couple(world.villageA, 223), colour: 'red' }),
  ].join('\n')
  const result = await importFile('application/x-ndjson', lines)
  t.match(result.body.result, { inserted: 6, households: 2 })
  t.same(result.body.result.errors, [
    { row: 3, message: 'not valid JSON' },
    { row: 4, message: '/colour: unknown field' },
  ])
})

t.test('bad uploads are refused at once', async (t) => {
  t.equal((await importFile('application/json', '{}')).status, 415)
  t.equal((await importFile('text/csv', '   ')).body.code, 'import_empty')
  const reviewer = await world.officer(['reviewer'], world.townA)
  t.equal((await importFile('text/csv', csv, reviewer.token)).status, 403)
})
