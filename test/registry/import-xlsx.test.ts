import ExcelJS from 'exceljs'
import t from 'tap'
import { regionWorld } from '../helper.js'
import { idNumberFor } from './people.js'

const world = await regionWorld(t)
const { api, app, database } = world
const registrar = await world.officer(['registrar'], world.townA, '甲镇登记员')
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

async function importWorkbook (bytes: Buffer) {
  const response = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: bytes,
    headers: { authorization: `Bearer ${registrar.token}`, 'content-type': XLSX },
  })
  t.equal(response.statusCode, 202, response.body)
  await app.jobs.runPending()
  return (await api.call(registrar.token, 'GET', `/v1/jobs/${response.json().id}`)).body
}

const HEADER = ['户号', '区划代码', '户口类型', '地址', '姓名', '身份证号', '性别', '出生日期', '与户主关系']

/** A workbook as a registrar keeps one: the ID column formatted as text (numFmt '@'). */
async function workbook (rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('户籍')
  sheet.getColumn(6).numFmt = '@'
  sheet.addRow(HEADER)
  for (const row of rows) sheet.addRow(row)
  book.addWorksheet('说明').addRow(['this second sheet is not read'])
  return Buffer.from(await book.xlsx.writeBuffer())
}

t.test('a workbook of 10,000 persons imports', async (t) => {
  const rows: unknown[][] = []
  for (let household = 0; household < 5000; household++) {
    const sequence = 1000 + household
    const head = `${1940 + household % 20}-0${1 + household % 9}-1${household % 9}`
    const spouse = `${1942 + household % 20}-0${1 + household % 9}-2${household % 9}`
    rows.push([`户${household}`, world.villageA, '农业', `${household}号`, `户主${household}`, idNumberForSequence(head, 'male', sequence), '男', head, '户主'])
    rows.push([`户${household}`, world.villageA, '农业', `${household}号`, `配偶${household}`, idNumberForSequence(spouse, 'female', sequence), '女', spouse, '配偶'])
  }
  const started = performance.now()
  const job = await importWorkbook(await workbook(rows))
  t.comment(`10,000 persons from .xlsx in ${Math.round(performance.now() - started)} ms`)
  t.match(job, { status: 'succeeded', done: 10000, total: 10000 })
  t.match(job.result, { format: 'xlsx', encoding: null, inserted: 10000, households: 5000, skipped: 0, errors: [] })
  const count = await database.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 10000)
  const found = await api.call(registrar.token, 'GET', `/v1/persons?idNumber=${idNumberForSequence('1959-05-14', 'male', 1000 + 4999)}`)
  t.match(found.body.items, [{ name: '户主4999', birthDate: '1959-05-14' }], 'the last household is there, as written')
})

/** idNumberFor's sequence spreads over 100 numbers and five sex digits; 5,000 households need more: the area code's last digits take the rest. */
function idNumberForSequence (birthDate: string, sex: 'male' | 'female', sequence: number): string {
  const first17 = `4201${String(2 + Math.floor(sequence / 500)).padStart(2, '0')}${idNumberFor(birthDate, sex, sequence % 500).slice(6, 17)}`
  return withCheck(first17)
}

function withCheck (first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!
  return `${first17}${'10X98765432'[sum % 11]}`
}

t.test('a number cell in the ID column is named as Excel\'s damage; a date cell is its day; text is trimmed', async (t) => {
  const job = await importWorkbook(await workbook([
    ['甲', world.villageA, '农业', '甲号', '  数一 ', 420102194803011235, '男', '1948-03-01', '户主'],
    ['乙', world.villageA, '农业', '乙号', '日二', idNumberFor('1950-05-06', 'female', 451), '女', new Date(Date.UTC(1950, 4, 6)), '户主'],
    [],
    ['丙', world.villageA, '农业', '丙号', '日三', '420102500101011', '男', 18264, '户主'],
  ]))
  t.match(job, { status: 'succeeded' }, JSON.stringify(job))
  t.same(job.result.errors.map((error: { row: number }) => error.row), [1])
  t.match(job.result.errors[0].message, /^column idNumber: written in scientific notation, as Excel shows a long number: .*format the column as text/)
  t.match(job.result, { inserted: 2, households: 2 })
  const second = await api.call(registrar.token, 'GET', `/v1/households?name=${encodeURIComponent('日二')}`)
  t.match(second.body.items[0].members[0], { name: '日二', birthDate: '1950-05-06' })
  // Excel's day 18264 is 1950-01-01: 2 days to 1900-01-01, then 50 years with 12 leap days (1904…1948): 18250 + 12 = 18262.
  const third = await api.call(registrar.token, 'GET', `/v1/households?name=${encodeURIComponent('日三')}`)
  t.match(third.body.items[0].members[0], { birthDate: '1950-01-01', idNumber: '420102195001010112' })
})

t.test('bytes that are not a workbook fail the job with a reason', async (t) => {
  const job = await importWorkbook(Buffer.from('姓名,身份证号\n'))
  t.match(job, { status: 'failed', error: /the workbook cannot be read/ })
})
