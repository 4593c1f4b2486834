import { XMLValidator } from 'fast-xml-parser'
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { openSheet } from '../xlsx-sheet.js'
import { moneyWorld } from '../disbursement/world.js'

const world = await moneyWorld(t)
const { api, financeOfficer, auditor } = world
const hex = (id: string) => id.replaceAll('-', '')

// 2010: three beneficiaries of RURAL_REWARD, two with accounts; a batch pays one and fails the other.
const [a, b, c] = [await world.elderlyCouple(), await world.elderlyCouple(), await world.elderlyCouple()]
await world.beneficiaries([a.head, b.head, c.head])
await world.account(a.head)
await world.account(b.head)
await world.allocate('RURAL_REWARD', 2010, { central: '5000.00', provincial: '3000.00', district: '2000.00' })
const made = await world.batch('RURAL_REWARD', '2010')
await world.approveAndExport(made.batchId!)
const payments = await world.payments(made.batchId!)
const paidOne = payments.find((payment) => payment.personId === a.head)!
const failedOne = payments.find((payment) => payment.personId === b.head)!
const results = await world.postResults(made.batchId!, `业务编号,处理结果,失败原因\r\n${hex(paidOne.id)},成功,\r\n${hex(failedOne.id)},失败,账户已销户\r\n`, 'text/csv')
if (results.status !== 200) throw new Error(`results: ${JSON.stringify(results.body)}`)

// Registered late in 2010, confirmed in 2011.
const d = await world.elderlyCouple()
await world.moveClock('2010-12-20')
const late = await world.register(d.head)
await api.call(world.investigator.token, 'POST', `/v1/cases/${late}/transitions`, { action: 'investigate' })
await world.moveClock('2010-12-28')
await api.call(world.reviewer.token, 'POST', `/v1/cases/${late}/transitions`, { action: 'review' })
await world.moveClock('2011-01-04')
await api.call(world.confirmer.token, 'POST', `/v1/cases/${late}/transitions`, { action: 'confirm' })
await world.moveClock('2011-01-11')
// A fifth, registered and still under investigation: an open case.
const e = await world.elderlyCouple()
await world.register(e.head)

const report = (token: string, query: string, suffix = '') => api.call(token, 'GET', `/v1/reports/summary${suffix}?${query}`)
const rural = (summary: any) => summary.programs.find((program: { programCode: string }) => program.programCode === 'RURAL_REWARD')

t.test('the 2010 figures, each worked out by hand', async (t) => {
  const answer = await report(auditor.token, 'year=2010')
  t.equal(answer.status, 200)
  t.match(answer.body, { year: 2010, regionCode: world.district, regionName: '江岸区', asOf: '2010-12-31' })
  t.equal(answer.body.programs.length, 7, 'every programme of the catalogue')
  t.same(rural(answer.body), {
    programCode: 'RURAL_REWARD',
    programName: '农村部分计划生育家庭奖励扶助',
    beneficiaries: { active: 3, newThisYear: 3, cumulative: 3, lateConfirmations: {} },
    paidThisYear: { count: 1, amount: '720.00' },
    paidCumulative: { count: 1, people: 1, amount: '720.00' },
    // 720.00 split 50/30/20; the failed payment is not paid.
    bySource: [{ source: 'central', amount: '360.00' }, { source: 'district', amount: '144.00' }, { source: 'provincial', amount: '216.00' }],
    pending: { registered: 1 },
  })
  t.same(answer.body.allocations.map((row: any) => [row.source, row.amount, row.spent, row.remaining]).sort(), [
    ['central', '5000.00', '360.00', '4640.00'], ['district', '2000.00', '144.00', '1856.00'], ['provincial', '3000.00', '216.00', '2784.00'],
  ], 'spent is the approved batch less what failed')
  const others = answer.body.programs.filter((program: any) => program.programCode !== 'RURAL_REWARD')
  t.ok(others.every((program: any) => program.beneficiaries.cumulative === 0 && program.paidThisYear.count === 0))
})

t.test('2011: a late confirmation from 2010, and what was paid so far', async (t) => {
  const answer = await report(financeOfficer.token, 'year=2011')
  t.equal(answer.body.asOf, '2011-01-11', 'the current year is read today')
  t.match(rural(answer.body), {
    beneficiaries: { active: 4, newThisYear: 1, cumulative: 4, lateConfirmations: { 2010: 1 } },
    paidThisYear: { count: 0, amount: '0.00' },
    paidCumulative: { count: 1, amount: '720.00' },
    bySource: [],
  })
  t.equal((await report(auditor.token, 'year=2012')).body.code, 'year_in_future')
})

t.test('a region officer sees their subtree only', async (t) => {
  const townB = await world.officer(['auditor'], world.townB, '乙镇审计')
  const theirs = await report(townB.token, 'year=2010')
  t.equal(theirs.body.regionCode, world.townB)
  t.match(rural(theirs.body), { beneficiaries: { cumulative: 0 }, paidThisYear: { count: 0 } }, 'township B has none of village A\'s')
  t.equal((await report(townB.token, `year=2010&region=${world.townA}`)).status, 404)
  const townA = await report(auditor.token, `year=2010&region=${world.townA}`)
  t.match(rural(townA.body), { beneficiaries: { cumulative: 3 }, paidThisYear: { amount: '720.00' } }, 'the district reads township A\'s')
})

t.test('the CSV and the chart carry the same figures; the narrative says them in Chinese', async (t) => {
  const csv = await world.app.inject({ method: 'GET', url: '/v1/reports/summary.csv?year=2010', headers: { authorization: `Bearer ${auditor.token}` } })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.ok(csv.body.startsWith('\uFEFF'), 'with a BOM')
  const lines = csv.body.slice(1).split('\r\n')
  t.equal(lines[0], '项目代码,项目名称,在册对象,今年新增,其中往年补报,累计对象,今年发放人次,今年发放金额,累计发放人次,累计发放人数,累计发放金额,今年中央承担,今年省级承担,今年市级承担,今年区级承担,今年乡镇承担,今年单位承担,办理中案件')
  t.ok(lines.includes('RURAL_REWARD,农村部分计划生育家庭奖励扶助,3,3,0,3,1,720.00,1,1,720.00,360.00,216.00,0.00,144.00,0.00,0.00,1'), lines.join('\n'))
  t.equal(lines.at(-1), '', 'CRLF after every row')

  const xlsx = await world.app.inject({ method: 'GET', url: '/v1/reports/summary.xlsx?year=2010', headers: { authorization: `Bearer ${auditor.token}` } })
  t.equal(xlsx.statusCode, 200)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.match(xlsx.headers['content-disposition'], /^attachment; filename="summary-[0-9]+-2010\.xlsx"$/)
  const { sheets, sheet, rows } = await openSheet(xlsx.rawPayload)
  t.equal(sheets, 1)
  t.same(rows, parse(csv.body.slice(1)), 'the CSV\'s header and rows')
  const rural = rows.findIndex((row) => row[0] === 'RURAL_REWARD') + 1
  t.equal(sheet.getRow(rural).getCell(8).value, 720, '今年发放金额 is a number of yuan')
  t.equal(sheet.getRow(rural).getCell(3).value, 3, '在册对象 a count')
  t.equal(sheet.getRow(rural).getCell(1).numFmt, '@', 'the programme code a text column')

  const svg = await world.app.inject({ method: 'GET', url: '/v1/reports/summary.svg?year=2010', headers: { authorization: `Bearer ${auditor.token}` } })
  t.equal(svg.statusCode, 200)
  t.match(svg.headers['content-type'], /^image\/svg\+xml/)
  t.equal(XMLValidator.validate(svg.body), true, 'a well-formed document')
  t.match(svg.body, /720\.00 元/)
  t.notMatch(svg.body, /fill="#(?!000|fff)[0-9a-f]{3,6}"/i, 'black and white only: sources are told apart by patterns')

  const narrative = await api.call(auditor.token, 'GET', '/v1/reports/narrative?year=2010')
  t.same(narrative.body.sentences, [
    '全区农村部分计划生育家庭奖励扶助对象累计3人，其中今年新增3人，目前在册3人。',
    '今年发放农村部分计划生育家庭奖励扶助1人次，共720元，其中区级财政承担144元（20%）。',
    '累计已发放农村部分计划生育家庭奖励扶助1人、1人次，共720元。',
  ])
  const next = await api.call(auditor.token, 'GET', '/v1/reports/narrative?year=2011')
  t.equal(next.body.sentences[0], '全区农村部分计划生育家庭奖励扶助对象累计4人，其中今年新增1人（含2010年补报确认1人），目前在册4人。')
})

t.test('a beneficiary suspended in 2011 was active at the end of 2010: each year counts the state at its end', async (t) => {
  const aCase = (await api.call(auditor.token, 'GET', `/v1/cases?personId=${a.head}`)).body.items[0]
  const suspended = await api.call(world.confirmer.token, 'POST', `/v1/cases/${aCase.id}/transitions`, { action: 'suspend', reason: '外出未归' })
  t.equal(suspended.status, 200)
  t.match(rural((await report(auditor.token, 'year=2010')).body).beneficiaries, { active: 3 }, '2010: a, b and c, as before')
  t.match(rural((await report(auditor.token, 'year=2011')).body).beneficiaries, { active: 3 }, '2011, today: b, c and d; a suspended')
})
