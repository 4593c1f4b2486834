import t from 'tap'
import { excelDamage, readDate } from '../../src/domain/registry/import/cells.js'
import { regionWorld } from '../helper.js'
import { idNumberFor } from './people.js'

const world = await regionWorld(t)
const { api, app } = world
const registrar = await world.officer(['registrar'], world.townA, '甲镇登记员')

async function importCsv (csv: string) {
  const response = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: csv,
    headers: { authorization: `Bearer ${registrar.token}`, 'content-type': 'text/csv' },
  })
  t.equal(response.statusCode, 202, response.body)
  await app.jobs.runPending()
  return (await api.call(registrar.token, 'GET', `/v1/jobs/${response.json().id}`)).body
}

const membersOf = async (name: string) => {
  const found = await api.call(registrar.token, 'GET', `/v1/households?name=${encodeURIComponent(name)}`)
  return found.body.items[0]?.members.map((member: { name: string, idNumber: string, birthDate: string, deathDate: string | null }) =>
    ({ name: member.name, idNumber: member.idNumber, birthDate: member.birthDate, deathDate: member.deathDate }))
}

const fullWidth = (text: string) => text.replace(/[0-9A-Za-z]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xFEE0))
const v = world.villageA
const header = '户号,区划代码,户口类型,地址,姓名,身份证号,性别,出生日期,与户主关系,死亡日期'

t.test('an ID number Excel turned into a number is a row error naming the column and saying to format it as text', async (t) => {
  // 42010219480301000 + check: 4·7+2·9+0·10+1·5+0·8+2·4+1·2+9·1+4·6+8·3+0·7+3·9+0·10+1·5+0·8+0·4+0·2
  // = 28+18+0+5+0+8+2+9+24+24+0+27+0+5+0+0+0 = 150; 150 mod 11 = 7 → check 5, not the 0 Excel left.
  const result = await importCsv([
    header,
    `A,${v},农业,一号,科一,4.20102E+17,男,1948-03-01,户主,`,
    `B,${v},农业,二号,零二,420102194803010000,男,1948-03-01,户主,`,
    `B,${v},农业,二号,零三,${idNumberFor('1950-05-06', 'female', 401)},女,1950-05-06,配偶,`,
    `C,${v},农业,三号,科四,4.201021948E+017,男,1948-03-01,户主,`,
  ].join('\n'))
  t.match(result.result, { inserted: 0, households: 0 })
  t.same(result.result.errors.map((error: { row: number }) => error.row), [1, 2, 3, 4])
  t.match(result.result.errors[0].message, /^column idNumber: written in scientific notation, as Excel shows a long number: .*format the column as text/)
  t.match(result.result.errors[1].message, /^column idNumber: its last digits are zeros, as Excel writes a number of more than 15 digits: .*format the column as text/)
  t.equal(result.result.errors[2].message, 'not imported: row 2 of its household is invalid')
  t.match(result.result.errors[3].message, /scientific notation/)
  t.notOk(JSON.stringify(result.result).includes('4201021948'), 'no digits of the number in the result')
})

t.test('dates are read as the day they mean however they are written', async (t) => {
  // Excel's day 17593: from 1899-12-30 to 1900-01-01 is 2 days; 1900–1947 is 48 years of
  // which 11 leap (1904…1944): 48·365 + 11 = 17531; January 31 + February 29 (1948 is
  // leap) = 60 more to 1948-03-01; 2 + 17531 + 60 = 17593.
  const result = await importCsv([
    header,
    `D,${v},农业,四号,日一,420102194803011235,男,1948/3/1,户主,`,
    `D,${v},农业,四号,日二,${idNumberFor('1950-05-06', 'female', 402)},女,1950-5-6,配偶,`,
    `D,${v},农业,四号,日三,${idNumberFor('1975-09-10', 'male', 402)},男,1975年9月10日,子女,`,
    `E,${v},农业,五号,日四,${idNumberFor('1948-03-01', 'male', 403)},男,17593,户主,`,
    `E,${v},农业,五号,日五,${idNumberFor('1949-12-31', 'female', 403)},女,1949-12-31,配偶,2008年 8月 8日`,
    `F,${v},农业,六号,日六,${idNumberFor('1948-03-01', 'male', 404)},男,1948,户主,`,
  ].join('\n'))
  t.match(result.result, { inserted: 5, households: 2 })
  t.same(result.result.errors, [{ row: 6, message: 'column birthDate: must match format "date"' }], 'a bare year is not taken for Excel\'s day 1948 (1905-05-01)')
  t.same((await membersOf('日一')).map((member: { birthDate: string }) => member.birthDate), ['1948-03-01', '1950-05-06', '1975-09-10'])
  t.match(await membersOf('日四'), [{ birthDate: '1948-03-01', deathDate: null }, { birthDate: '1949-12-31', deathDate: '2008-08-08' }])
})

t.test('full-width digits, a lower-case x, spaces and a 15-digit number are normalised', async (t) => {
  const withX = Array.from({ length: 100 }, (_, sequence) => idNumberFor('1950-05-06', 'female', 405 + sequence)).find((number) => number.endsWith('X'))!
  const result = await importCsv([
    header,
    `G,${v},农业,七号,  宽一\u3000,${fullWidth('420102194803011235'.replace('1235', '1251'))},男,1948-03-01,户主,`,
    `G,${v},农业,七号,宽二,  ${withX.toLowerCase()} ,女,1950-05-06,配偶,`,
    `H,${v},农业,八号,宽三,420102500101011,男,1950-01-01,户主,`,
  ].join('\n'))
  t.same(result.result.errors, [])
  t.match(result.result, { inserted: 3, households: 2 })
  // 42010219480301125 + check: 28+18+0+5+0+8+2+9+24+24+0+27+0+5+8+8+10 = 176; 176 mod 11 = 0 → 1.
  // 42010219500101011 + check: 28+18+0+5+0+8+2+9+30+0+0+9+0+5+0+4+2 = 120; 120 mod 11 = 10 → 2.
  t.same((await membersOf('宽一')).map((member: { name: string, idNumber: string }) => [member.name, member.idNumber]),
    [['宽一', '420102194803011251'], ['宽二', withX]])
  t.same((await membersOf('宽三')).map((member: { idNumber: string }) => member.idNumber), ['420102195001010112'])
})

t.test('the cell rules on their own', async (t) => {
  t.equal(readDate('1948-03-01'), '1948-03-01')
  t.equal(readDate('1948.3.1'), '1948-03-01')
  t.equal(readDate('10000'), '1927-05-18', 'the smallest Excel day taken')
  t.equal(readDate('1948-2-30'), '1948-02-30', 'a day that does not exist is left for the schema to refuse')
  t.equal(readDate('3/1/1948'), '3/1/1948', 'the American order is not guessed at')
  t.equal(excelDamage('420102194803011235'), undefined)
  t.equal(excelDamage('4.20102E17') !== undefined, true)
  t.equal(excelDamage('420102194803010000') !== undefined, true, 'zeros where the check character should be 5')
  // 42010219480301200: 150 for the first fourteen (as above) + 2·8 = 166; 166 mod 11 = 1 → check 0.
  t.equal(excelDamage('420102194803012000'), undefined, 'a real number that ends in 000 is no damage')
})
