import t from 'tap'
import { hex } from '../disbursement/pain002.js'
import { moneyWorld } from '../disbursement/world.js'
import { idNumberFor } from '../registry/people.js'

const world = await moneyWorld(t)
const { api, admin, registrar, auditor } = world

/** A household of village A made by the administrator; answers its members by relationship. */
async function household (address: string, members: Array<[string, string, 'male' | 'female', string, number]>) {
  const answer = await api.call(admin, 'POST', '/v1/households', {
    regionCode: world.villageA, hukouType: 'agricultural', address,
    members: members.map(([name, relationship, sex, birthDate, sequence]) => ({ name, idNumber: idNumberFor(birthDate, sex, sequence), sex, birthDate, relationship })),
  })
  if (answer.status !== 201) throw new Error(`household: ${JSON.stringify(answer.body)}`)
  const ids = answer.body.members.map((each: { id: string }) => each.id) as string[]
  return ids
}

/** Takes a batch to the bank and answers it with every payment paid (回盘 成功), today. */
async function payAll (programCode: string, period: string, expected: { count: number, total: string }) {
  const made = await world.batch(programCode, period)
  if (made.count !== expected.count || made.total !== expected.total) throw new Error(`${programCode} ${period}: ${JSON.stringify(made)}`)
  await world.approveAndExport(made.batchId!)
  const lines = (await world.payments(made.batchId!)).map((payment) => `${hex(payment.id)},成功,`)
  const settled = await world.postResults(made.batchId!, ['业务编号,处理结果,失败原因', ...lines, ''].join('\r\n'), 'text/csv')
  if (settled.status !== 200 || settled.body.batchStatus !== 'reconciled') throw new Error(`results: ${JSON.stringify(settled.body)}`)
}

// The district, worked out by hand from DESIGN §1 and §6:
// - RURAL_REWARD: three old heads (born 1945, 65 in 2010), 720.00 a year (50/30/20).
//   A and B have accounts, C none (owed, never paid). 2010 pays A and B in June; B dies
//   in August (exited); 2011 pays A again. So by 2011: 3 beneficiaries ever, 3 payments,
//   2160.00, but 2 people paid.
// - ONLY_CHILD_HEALTH_FEE: one only child (born 2005-03-01, certificate 2006-05-10),
//   10.00 a month, district half: June and July 2010 paid month by month, January 2011.
//   So 2 payments, 20.00 (district 10.00) in 2010; 3 payments, 30.00, to 1 child by 2011.
// - GIRLS_TWO_DAUGHTER_STERILISATION (one-time): a two-daughter household, the mother
//   sterilised 2010-03-01: 3000.00 within a year, district 100 %, paid June 2010; the
//   paid case is completed, so no longer on the roll.
const [a, b, c] = [await world.elderlyCouple(), await world.elderlyCouple(), await world.elderlyCouple()]
const [father, mother, onlyChild] = await household('独生子女户8号', [
  ['黄海', 'head', 'male', '1975-02-03', 81], ['林梅', 'spouse', 'female', '1977-04-05', 82], ['黄小宝', 'child', 'male', '2005-03-01', 83],
])
const [twoDaughtersHead, twoDaughtersMother] = await household('双女户9号', [
  ['陈建国', 'head', 'male', '1970-01-01', 91], ['刘秀英', 'spouse', 'female', '1972-03-04', 92],
  ['陈一', 'child', 'female', '1995-05-06', 93], ['陈二', 'child', 'female', '1998-07-08', 94],
])
for (const [personId, event] of [[father, { type: 'only_child_certificate', date: '2006-05-10', number: '鄂独证2006-0088' }], [twoDaughtersMother, { type: 'sterilisation', date: '2010-03-01' }]] as const) {
  const recorded = await api.call(registrar.token, 'POST', `/v1/persons/${personId}/events`, event)
  if (recorded.status !== 201) throw new Error(`event: ${JSON.stringify(recorded.body)}`)
}
await world.beneficiaries([a.head, b.head, c.head])
await world.beneficiaries([onlyChild!], 'ONLY_CHILD_HEALTH_FEE')
await world.beneficiaries([twoDaughtersHead!], 'GIRLS_TWO_DAUGHTER_STERILISATION')
await world.account(a.head)
await world.account(b.head)
await world.account(mother!, '林梅')
await world.account(twoDaughtersHead!, '陈建国')
for (const year of [2010, 2011]) {
  await world.allocate('RURAL_REWARD', year, { central: '10000.00', provincial: '10000.00', district: '10000.00' })
  await world.allocate('ONLY_CHILD_HEALTH_FEE', year, { township: '1000.00', district: '1000.00' })
}
await world.allocate('GIRLS_TWO_DAUGHTER_STERILISATION', 2010, { district: '10000.00' })

await world.moveClock('2010-06-02')
await payAll('RURAL_REWARD', '2010', { count: 2, total: '1440.00' })
await payAll('ONLY_CHILD_HEALTH_FEE', '2010-06', { count: 1, total: '10.00' })
await payAll('GIRLS_TWO_DAUGHTER_STERILISATION', '2010', { count: 1, total: '3000.00' })
await world.moveClock('2010-07-02')
await payAll('ONLY_CHILD_HEALTH_FEE', '2010-07', { count: 1, total: '10.00' })
await world.moveClock('2010-08-10')
const death = await api.call(registrar.token, 'POST', `/v1/persons/${b.head}/events`, { type: 'death', date: '2010-08-01' })
if (death.status !== 201) throw new Error(`death: ${JSON.stringify(death.body)}`)
await world.moveClock('2011-01-10')
await payAll('RURAL_REWARD', '2011', { count: 1, total: '720.00' })
await payAll('ONLY_CHILD_HEALTH_FEE', '2011-01', { count: 1, total: '10.00' })

const summary = async (year: number) => (await api.call(auditor.token, 'GET', `/v1/reports/summary?year=${year}`)).body
const narrative = async (year: number) => (await api.call(auditor.token, 'GET', `/v1/reports/narrative?year=${year}`)).body
const programOf = (report: any, code: string) => report.programs.find((program: { programCode: string }) => program.programCode === code)
const yuan = (amount: string) => amount.replace(/\.00$/, '')

/**
 * The figures of a programme's summary in the order its sentences say them, so the
 * narrative's numbers can be compared with the summary's, number for number.
 */
function figuresOf (program: any): string[] {
  const { beneficiaries, paidThisYear, paidCumulative, bySource } = program
  const figures = [beneficiaries.cumulative, beneficiaries.newThisYear, beneficiaries.active].map(String)
  if (paidThisYear.count > 0) {
    const district = bySource.find((share: { source: string }) => share.source === 'district')
    figures.push(String(paidThisYear.count), yuan(paidThisYear.amount), yuan(district.amount), String(Number(district.amount) * 100 / Number(paidThisYear.amount)))
  }
  if (paidCumulative.people > 0) figures.push(String(paidCumulative.people), String(paidCumulative.count), yuan(paidCumulative.amount))
  return figures
}

const numbersIn = (sentences: string[]) => sentences.join('').match(/[0-9]+(\.[0-9]+)?/g) ?? []

t.test('2010: each programme\'s figures and sentences, worked out by hand', async (t) => {
  const report = await summary(2010)
  t.match(programOf(report, 'RURAL_REWARD'), {
    beneficiaries: { cumulative: 3, newThisYear: 3, active: 2 },
    paidThisYear: { count: 2, amount: '1440.00' },
    paidCumulative: { count: 2, people: 2, amount: '1440.00' },
  }, 'B died in August: no longer active; C never paid')
  t.same(programOf(report, 'ONLY_CHILD_HEALTH_FEE'), {
    programCode: 'ONLY_CHILD_HEALTH_FEE', programName: '独生子女保健费',
    beneficiaries: { active: 1, newThisYear: 1, cumulative: 1, lateConfirmations: {} },
    paidThisYear: { count: 2, amount: '20.00' },
    paidCumulative: { count: 2, people: 1, amount: '20.00' },
    bySource: [{ source: 'district', amount: '10.00' }, { source: 'township', amount: '10.00' }],
    pending: {},
  }, 'two months of 10.00 to one child; the district pays half')
  t.same(programOf(report, 'GIRLS_TWO_DAUGHTER_STERILISATION'), {
    programCode: 'GIRLS_TWO_DAUGHTER_STERILISATION', programName: '关爱女孩·双女户结扎奖励',
    beneficiaries: { active: 0, newThisYear: 1, cumulative: 1, lateConfirmations: {} },
    paidThisYear: { count: 1, amount: '3000.00' },
    paidCumulative: { count: 1, people: 1, amount: '3000.00' },
    bySource: [{ source: 'district', amount: '3000.00' }],
    pending: {},
  }, 'rewarded once: the paid case is completed, not active')

  const told = await narrative(2010)
  t.same(told.sentences, [
    '全区关爱女孩·双女户结扎奖励对象累计1人，其中今年新增1人，目前在册0人。',
    '今年发放关爱女孩·双女户结扎奖励1人次，共3000元，其中区级财政承担3000元（100%）。',
    '累计已发放关爱女孩·双女户结扎奖励1人、1人次，共3000元。',
    '全区独生子女保健费对象累计1人，其中今年新增1人，目前在册1人。',
    '今年发放独生子女保健费2人次，共20元，其中区级财政承担10元（50%）。',
    '累计已发放独生子女保健费1人、2人次，共20元。',
    '全区农村部分计划生育家庭奖励扶助对象累计3人，其中今年新增3人，目前在册2人。',
    '今年发放农村部分计划生育家庭奖励扶助2人次，共1440元，其中区级财政承担288元（20%）。',
    '累计已发放农村部分计划生育家庭奖励扶助2人、2人次，共1440元。',
  ], 'programmes in code order; those with nothing to say are left out')
  t.equal(told.text.split('\n').length, 3, 'one paragraph per programme with something to say')
})

t.test('2011: the people paid so far are not the payments, nor the beneficiaries', async (t) => {
  const report = await summary(2011)
  const rural = programOf(report, 'RURAL_REWARD')
  t.match(rural, {
    beneficiaries: { cumulative: 3, newThisYear: 0, active: 2 },
    paidThisYear: { count: 1, amount: '720.00' },
    paidCumulative: { count: 3, people: 2, amount: '2160.00' },
  }, 'A paid for 2010 and 2011, B for 2010: three payments to two people; C is a beneficiary never paid')
  t.match(programOf(report, 'ONLY_CHILD_HEALTH_FEE'), {
    paidThisYear: { count: 1, amount: '10.00' },
    paidCumulative: { count: 3, people: 1, amount: '30.00' },
    bySource: [{ source: 'district', amount: '5.00' }, { source: 'township', amount: '5.00' }],
  }, 'three months paid to one child')
  t.match(programOf(report, 'GIRLS_TWO_DAUGHTER_STERILISATION'), {
    beneficiaries: { cumulative: 1, newThisYear: 0, active: 0 },
    paidThisYear: { count: 0, amount: '0.00' },
    paidCumulative: { count: 1, people: 1, amount: '3000.00' },
  }, 'a one-time reward is not paid again')

  const told = await narrative(2011)
  t.same(told.sentences, [
    '全区关爱女孩·双女户结扎奖励对象累计1人，其中今年新增0人，目前在册0人。',
    '累计已发放关爱女孩·双女户结扎奖励1人、1人次，共3000元。',
    '全区独生子女保健费对象累计1人，其中今年新增0人，目前在册1人。',
    '今年发放独生子女保健费1人次，共10元，其中区级财政承担5元（50%）。',
    '累计已发放独生子女保健费1人、3人次，共30元。',
    '全区农村部分计划生育家庭奖励扶助对象累计3人，其中今年新增0人，目前在册2人。',
    '今年发放农村部分计划生育家庭奖励扶助1人次，共720元，其中区级财政承担144元（20%）。',
    '累计已发放农村部分计划生育家庭奖励扶助2人、3人次，共2160元。',
  ], 'nothing paid this year for the one-time reward: no sentence of this year\'s payments')
})

t.test('the narrative\'s numbers are the summary\'s, number for number', async (t) => {
  for (const year of [2010, 2011]) {
    const [report, told] = [await summary(year), await narrative(year)]
    const paragraphs = told.text.split('\n')
    const spoken = report.programs.filter((program: any) => program.beneficiaries.cumulative > 0 || program.paidThisYear.count > 0)
    t.equal(paragraphs.length, spoken.length, `${year}: a paragraph for each programme with beneficiaries or payments`)
    spoken.forEach((program: any, index: number) => {
      t.same(numbersIn([paragraphs[index]!]), figuresOf(program), `${year} ${program.programCode}`)
    })
  }
})

t.test('a township\'s narrative names it and counts its own', async (t) => {
  const townB = await api.call(auditor.token, 'GET', `/v1/reports/narrative?year=2011&region=${world.townB}`)
  t.same(townB.body.sentences, [], 'township B has no beneficiaries and no payments')
  const townA = await api.call(auditor.token, 'GET', `/v1/reports/narrative?year=2011&region=${world.townA}`)
  t.equal(townA.body.sentences.at(-1), '累计已发放农村部分计划生育家庭奖励扶助2人、3人次，共2160元。')
  t.match(townA.body.sentences[0], /^甲镇关爱女孩/)
})
