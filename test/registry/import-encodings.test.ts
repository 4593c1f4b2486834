import iconv from 'iconv-lite'
import t from 'tap'
import { regionWorld } from '../helper.js'
import { idNumberFor } from './people.js'

const world = await regionWorld(t)
const { api, app } = world
const registrar = await world.officer(['registrar'], world.townA, '甲镇登记员')

async function importFile (contentType: string, body: Buffer) {
  const response = await app.inject({
    method: 'POST', url: '/v1/imports/households', payload: body,
    headers: { authorization: `Bearer ${registrar.token}`, 'content-type': contentType },
  })
  if (response.statusCode !== 202) return { status: response.statusCode, body: response.json() }
  await app.jobs.runPending()
  const job = await api.call(registrar.token, 'GET', `/v1/jobs/${response.json().id}`)
  return { status: 202, body: job.body }
}

/** A household list as a registrar keeps it, Chinese header and values, two members of one household. */
const householdList = (key: string, head: string, spouse: string, sequence: number) => [
  '户号,区划代码,户口类型,地址,姓名,身份证号,性别,出生日期,与户主关系',
  `${key},${world.villageA},农业,${key}号 东边,${head},${idNumberFor('1946-01-01', 'male', sequence)},男,1946-01-01,户主`,
  `${key},${world.villageA},农业,${key}号 东边,${spouse},${idNumberFor('1947-01-01', 'female', sequence)},女,1947-01-01,配偶`,
].join('\r\n')

const namesOf = async (name: string) => {
  const found = await api.call(registrar.token, 'GET', `/v1/households?name=${encodeURIComponent(name)}`)
  return found.body.items.flatMap((household: { address: string, members: Array<{ name: string }> }) => [household.address, ...household.members.map((member) => member.name)])
}

t.test('a CSV saved by Excel on Chinese Windows (GBK, no charset said) is read as GB18030', async (t) => {
  const bytes = iconv.encode(householdList('甲', '钱一', '吴二', 221), 'gbk')
  t.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'the file is not UTF-8')
  const result = await importFile('text/csv', bytes)
  t.equal(result.status, 202, JSON.stringify(result.body))
  t.match(result.body.result, { format: 'csv', encoding: 'gb18030', inserted: 2, households: 1, errors: [] })
  t.same(await namesOf('钱一'), ['甲号 东边', '钱一', '吴二'], 'the Chinese comes back as it was written')
})

t.test('a GBK file whose charset says so is read as GB18030', async (t) => {
  for (const [index, charset] of ['gbk', 'GB18030', '"gb2312"'].entries()) {
    const result = await importFile(`text/csv; charset=${charset}`, iconv.encode(householdList(`乙${index}`, `郑${index}`, `冯${index}`, 222 + index), 'gb18030'))
    t.match(result.body.result, { encoding: 'gb18030', inserted: 2, errors: [] }, charset)
  }
  t.same(await namesOf('郑2'), ['乙2号 东边', '郑2', '冯2'])
})

t.test('UTF-8 is read as UTF-8, with or without a byte order mark, said or not', async (t) => {
  const plain = await importFile('text/csv', Buffer.from(householdList('丙', '褚一', '卫二', 231), 'utf8'))
  t.match(plain.body.result, { encoding: 'utf-8', inserted: 2, errors: [] })
  const marked = await importFile('text/csv; charset=utf-8', Buffer.from(`\uFEFF${householdList('丁', '蒋一', '沈二', 232)}`, 'utf8'))
  t.match(marked.body.result, { encoding: 'utf-8', inserted: 2, errors: [] })
  t.same(await namesOf('蒋一'), ['丁号 东边', '蒋一', '沈二'])
  const ndjson = iconv.encode(JSON.stringify({
    regionCode: world.villageA, hukouType: 'agricultural', address: '戊号',
    members: [{ name: '韩一', idNumber: idNumberFor('1946-01-01', 'male', 233), sex: 'male', birthDate: '1946-01-01', relationship: 'head' }],
  }), 'gbk')
  t.match((await importFile('application/x-ndjson', ndjson)).body.result, { format: 'ndjson', encoding: 'gb18030', inserted: 1 }, 'NDJSON in GBK too')
})

t.test('bytes that are not text in the encoding said, or in either, are refused before a job is made', async (t) => {
  const gbk = iconv.encode(householdList('己', '杨一', '朱二', 241), 'gbk')
  const saidUtf8 = await importFile('text/csv; charset=utf-8', gbk)
  t.match(saidUtf8, { status: 400, body: { code: 'import_encoding', detail: 'The file is not UTF-8 text, as its charset says.' } })
  const neither = await importFile('text/csv', Buffer.concat([Buffer.from('户号,'), Buffer.from([0xff, 0xfe, 0x80, 0x41])]))
  t.match(neither, { status: 400, body: { code: 'import_encoding', detail: 'The file is neither UTF-8 nor GB18030 (GBK) text.' } })
  const big5 = await importFile('text/csv; charset=big5', Buffer.from('a'))
  t.match(big5, { status: 400, body: { code: 'import_encoding', detail: /charset big5 is not one the import reads/ } })
  t.same(await namesOf('杨一'), [])
})
