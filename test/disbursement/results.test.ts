import { randomUUID } from 'node:crypto'
import t from 'tap'
import { moneyWorld } from './world.js'
import { idNumberFor } from '../registry/people.js'
import { hex, pain002 } from './pain002.js'

const world = await moneyWorld(t)
const { api, financeOfficer, registrar } = world

// Four elderly couples: each head is owed RURAL_REWARD 720.00 for 2010 (DESIGN §1).
const couples = [] as Array<{ head: string }>
for (let index = 0; index < 4; index++) couples.push(await world.elderlyCouple())
await world.beneficiaries(couples.map((each) => each.head))
for (const each of couples) await world.account(each.head)
await world.allocate('RURAL_REWARD', 2010, { central: '100000.00', provincial: '100000.00', district: '100000.00' })
await world.moveClock('2011-01-10')
const made = await world.batch('RURAL_REWARD', '2010')
const batchId = made.batchId!
await world.approveAndExport(batchId)
const messageId = `HM${hex(batchId)}`
const byPerson = new Map((await world.payments(batchId)).map((each) => [each.personId, each]))
const [a, b, c, d] = couples.map((each) => byPerson.get(each.head)!)
const statuses = async () => (await world.payments(batchId)).map((each) => each.status)
const allPending = ['pending', 'pending', 'pending', 'pending']

/** A, B paid (ACSC, ACCC), C refused (RJCT AC04); D not answered yet. Totals as the bank would state them. */
const goodReport = pain002({
  answers: messageId, count: 4, sum: '2880.00',
  perStatus: [{ status: 'ACSC', count: 1, sum: '720.00' }, { status: 'ACCC', count: 1, sum: '720.00' }, { status: 'RJCT', count: 1, sum: '720.00' }],
  lines: [
    { endToEndId: hex(a!.id), status: 'ACSC', amount: '720.00' },
    { endToEndId: hex(b!.id), status: 'ACCC' },
    { endToEndId: hex(c!.id), status: 'RJCT', reasonCode: 'AC04', reason: 'Account closed / 账户已销户', amount: '720.00' },
  ],
})

t.test('a pain.002 naming an unknown payment is refused whole, each bad line listed', async (t) => {
  const unknown = hex(randomUUID())
  const answer = await world.postResults(batchId, pain002({
    answers: messageId, count: 4, sum: '2880.00',
    lines: [{ endToEndId: hex(a!.id), status: 'ACSC' }, { endToEndId: unknown, status: 'ACSC' }, { endToEndId: 'not-a-payment', status: 'RJCT', reasonCode: 'AC01' }],
  }), 'application/xml')
  t.equal(answer.status, 422)
  t.equal(answer.body.code, 'unknown_payment')
  t.equal(answer.body.errors.length, 2, 'both unknown lines listed')
  t.match(answer.body.errors[0], { path: /^\/body\/line\/[0-9]+$/, message: new RegExp(unknown) })
  t.same(await statuses(), allPending, 'nothing applied: A is still pending')
})

t.test('totals that do not match are refused, with the lines that state them', async (t) => {
  const answer = await world.postResults(batchId, pain002({
    answers: messageId, count: 5, sum: '2880.00',
    perStatus: [{ status: 'ACSC', count: 2, sum: '720.00' }],
    lines: [{ endToEndId: hex(a!.id), status: 'ACSC', amount: '960.00' }],
  }), 'application/xml')
  t.equal(answer.status, 422)
  t.equal(answer.body.code, 'totals_mismatch')
  const messages = answer.body.errors.map((each: { message: string }) => each.message).join('\n')
  t.match(messages, /OrgnlGrpInfAndSts counts 5 transactions; the batch holds 4/)
  t.match(messages, /NbOfTxsPerSts ACSC counts 2 transactions; the report's ACSC transactions hold 1/)
  t.match(messages, /is for 720\.00; the report says 960\.00/)
  t.same(await statuses(), allPending)
  const otherMessage = await world.postResults(batchId, pain002({ answers: 'HM0000', lines: [{ endToEndId: hex(a!.id), status: 'ACSC' }] }), 'application/xml')
  t.match(otherMessage.body, { code: 'unknown_payment', detail: /answers message HM0000/ }, 'a report of another message')
})

t.test('a report invalid against the schema, or not XML at all, is refused before a line is read', async (t) => {
  const invalid = await world.postResults(batchId, pain002({ answers: messageId, withoutMessageId: true, lines: [{ endToEndId: hex(a!.id), status: 'ACSC' }] }), 'application/xml')
  t.equal(invalid.status, 422)
  t.equal(invalid.body.code, 'bank_file_invalid')
  t.match(invalid.body.errors[0], { path: '/body/line/4', message: /MsgId/ }, 'the schema\'s complaint, at its line')
  const broken = await world.postResults(batchId, '<Document><CstmrPmtStsRpt></Document>', 'application/xml')
  t.match(broken, { status: 422, body: { code: 'bank_file_invalid' } })
  const wrongType = await world.app.inject({ method: 'POST', url: `/v1/payment-batches/${batchId}/bank-results`, headers: { authorization: `Bearer ${financeOfficer.token}`, 'content-type': 'application/pdf' }, payload: 'x' })
  t.equal(wrongType.statusCode, 415)
  t.same(await statuses(), allPending)
})

t.test('a pain.002 with accepted and rejected transactions settles them; the same file again is refused', async (t) => {
  const answer = await world.postResults(batchId, goodReport, 'application/xml')
  t.equal(answer.status, 200, JSON.stringify(answer.body))
  t.same(answer.body, { paid: 2, failed: 1, batchStatus: 'exported' }, 'D is still pending')
  const now = new Map((await world.payments(batchId)).map((each) => [each.id, each]))
  t.same([a, b, c, d].map((each) => now.get(each!.id)!.status), ['paid', 'paid', 'failed', 'pending'])
  t.match(now.get(c!.id), { reasonCode: 'AC04', reason: 'Account closed / 账户已销户' })
  const audit = await world.database.db.selectFrom('audit_events').select(['entity_id', 'action', 'from_status', 'to_status', 'actor_name', 'reason'])
    .where('entity_type', '=', 'payment').where('action', 'in', ['pay', 'fail']).execute()
  t.same(audit.map((row) => [row.entity_id, row.action, row.to_status, row.actor_name]).sort(),
    [[a!.id, 'pay', 'paid', '孙出纳'], [b!.id, 'pay', 'paid', '孙出纳'], [c!.id, 'fail', 'failed', '孙出纳']].sort(), 'one audit row per payment settled, naming the officer')
  t.equal(audit.find((row) => row.action === 'fail')!.reason, 'AC04')
  const allocations = (await api.call(financeOfficer.token, 'GET', '/v1/fund-allocations?program=RURAL_REWARD&year=2010')).body.items
  t.same(allocations.map((each: Record<string, string>) => [each.source, each.spent]).sort(), [['central', '1080.00'], ['district', '432.00'], ['provincial', '648.00']],
    'what failed is not spent: three payments of 720.00 (360.00 / 216.00 / 144.00 each)')

  const again = await world.postResults(batchId, goodReport, 'application/xml')
  t.equal(again.status, 422)
  t.equal(again.body.code, 'payment_settled')
  t.equal(again.body.errors.length, 3, 'each settled line listed')
  const after = new Map((await world.payments(batchId)).map((each) => [each.id, each]))
  t.same([a, b, c, d].map((each) => after.get(each!.id)!.status), ['paid', 'paid', 'failed', 'pending'], 'the refused file changed no payment')
  t.equal(after.get(c!.id)!.reasonCode, 'AC04', 'nor the reason of the failed one')
  t.match((await api.call(financeOfficer.token, 'GET', `/v1/payment-batches/${batchId}`)).body, { status: 'exported', paid: 2, failed: 1 }, 'nor the batch')
  t.equal((await world.database.db.selectFrom('audit_events').select('seq').where('entity_type', '=', 'payment').where('action', 'in', ['pay', 'fail']).execute()).length, 3,
    'and wrote no audit row')
})

t.test('the CSV return file: bad lines refused whole; then the last payment is paid and the batch reconciled', async (t) => {
  const bad = ['业务编号,处理结果,失败原因', `${hex(a!.id)},成功,`, `${hex(d!.id)},已处理,`, `${hex(randomUUID())},失败,账户不存在`].join('\r\n')
  const refused = await world.postResults(batchId, `\ufeff${bad}\r\n`, 'text/csv')
  t.equal(refused.status, 422)
  t.same(refused.body.errors.map((each: { path: string }) => each.path), ['/body/line/2', '/body/line/3', '/body/line/4'], 'settled again, an unknown result, an unknown payment')
  t.equal((await world.payments(batchId)).find((each) => each.id === d!.id)!.status, 'pending', 'nothing applied')
  const twice = await world.postResults(batchId, ['业务编号,处理结果,失败原因', `${hex(d!.id)},成功,`, `${hex(d!.id)},成功,`].join('\r\n'), 'text/csv')
  t.match(twice.body, { code: 'payment_settled', errors: [{ path: '/body/line/3' }] }, 'a payment listed twice')

  const good = await world.postResults(batchId, `\ufeff业务编号,处理结果,失败原因\r\n${hex(d!.id)},成功,\r\n`, 'text/csv')
  t.same(good.body, { paid: 1, failed: 0, batchStatus: 'reconciled' }, 'every payment settled: reconciled by the service')
  const batch = (await api.call(financeOfficer.token, 'GET', `/v1/payment-batches/${batchId}`)).body
  t.match(batch, { status: 'reconciled', paid: 3, failed: 1 })
  const reconciled = await world.database.db.selectFrom('audit_events').select(['actor_kind', 'to_status']).where('entity_id', '=', batchId).where('action', '=', 'reconcile').execute()
  t.same(reconciled, [{ actor_kind: 'system', to_status: 'reconciled' }])
  const late = await world.postResults(batchId, `业务编号,处理结果,失败原因\r\n${hex(d!.id)},成功,\r\n`, 'text/csv')
  t.equal(late.body.code, 'batch_not_exported')
})

t.test('reissue pays only the failed ones whose account changed, and never the paid', async (t) => {
  const unchanged = await world.batch('RURAL_REWARD', '2010')
  t.same([unchanged.batchId, unchanged.count], [null, 0], 'C failed, but on the account still on record: not owed again until it changes')
  const renewed = await world.account(couples[2]!.head)
  const reissue = await world.batch('RURAL_REWARD', '2010')
  t.match(reissue, { count: 1, total: '720.00' })
  const [payment] = await world.payments(reissue.batchId!)
  t.same([payment!.personId, payment!.account], [couples[2]!.head, renewed.accountNumber], 'C again, to the new account')
})

t.test('a one-time programme\'s paid case becomes completed', async (t) => {
  // A rural household with two daughters whose mother was sterilised on 10 January 2011:
  // GIRLS_TWO_DAUGHTER_STERILISATION rewards it once, 3000.00 within a year of it (DESIGN §1), district 100 %.
  const household = await api.call(world.admin, 'POST', '/v1/households', {
    regionCode: world.villageA, hukouType: 'agricultural', address: '双女户1号',
    members: [
      { name: '陈建国', idNumber: idNumberFor('1970-01-01', 'male', 61), sex: 'male', birthDate: '1970-01-01', relationship: 'head' },
      { name: '刘秀英', idNumber: idNumberFor('1972-03-04', 'female', 62), sex: 'female', birthDate: '1972-03-04', relationship: 'spouse' },
      { name: '陈一', idNumber: idNumberFor('1995-05-06', 'female', 63), sex: 'female', birthDate: '1995-05-06', relationship: 'child' },
      { name: '陈二', idNumber: idNumberFor('1998-07-08', 'female', 64), sex: 'female', birthDate: '1998-07-08', relationship: 'child' },
    ],
  })
  t.equal(household.status, 201, JSON.stringify(household.body))
  const head = household.body.members.find((each: { relationship: string }) => each.relationship === 'head').id
  const mother = household.body.members.find((each: { relationship: string }) => each.relationship === 'spouse').id
  t.equal((await api.call(registrar.token, 'POST', `/v1/persons/${mother}/events`, { type: 'sterilisation', date: '2011-01-10' })).status, 201)
  const [caseId] = await world.beneficiaries([head], 'GIRLS_TWO_DAUGHTER_STERILISATION')
  await world.account(head, '陈建国')
  await world.allocate('GIRLS_TWO_DAUGHTER_STERILISATION', 2011, { district: '500000.00' })
  const made = await world.batch('GIRLS_TWO_DAUGHTER_STERILISATION', '2011')
  t.match(made, { count: 1, total: '3000.00' })
  await world.approveAndExport(made.batchId!)
  const [payment] = await world.payments(made.batchId!)
  const settled = await world.postResults(made.batchId!, `业务编号,处理结果,失败原因\r\n${hex(payment!.id)},成功,\r\n`, 'text/csv')
  t.same(settled.body, { paid: 1, failed: 0, batchStatus: 'reconciled' })
  const done = (await api.call(world.confirmer.token, 'GET', `/v1/cases/${caseId}`)).body
  t.equal(done.status, 'completed')
  t.match(done.timeline.at(-1), { action: 'complete', to: 'completed', actor: { kind: 'system' } })
  t.same([(await world.batch('GIRLS_TWO_DAUGHTER_STERILISATION', '2011')).count], [0], 'paid once: never again')
})
