import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { XmlDocument, XsdValidator } from 'libxml2-wasm'
import t from 'tap'
import { build } from '../../src/app.js'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { openSheet } from '../xlsx-sheet.js'
import { DEBTOR, moneyWorld } from './world.js'

const world = await moneyWorld(t)
const { api, financeOfficer, approver, both, auditor, registrar } = world

// Three elderly rural couples in village A, each head born 1945-01-01: 65 in 2010, so
// RURAL_REWARD owes each 720.00 for 2010 (DESIGN §1: 720 a year from 2009), split
// central 50 % = 360.00, provincial 30 % = 216.00, district 20 % = 144.00.
const couples = [await world.elderlyCouple(), await world.elderlyCouple(), await world.elderlyCouple()]
const cases = await world.beneficiaries(couples.map((each) => each.head))
const [alive, dies, noAccount] = couples
const aliveAccount = await world.account(alive!.head, '张明')
await world.account(dies!.head, '张明')

t.test('a 2010 batch pays the year of death, and counts and lists who has no account', async (t) => {
  await world.moveClock('2010-07-01')
  const death = await api.call(registrar.token, 'POST', `/v1/persons/${dies!.head}/events`, { type: 'death', date: '2010-06-15' })
  t.equal(death.status, 201)
  t.equal((await api.call(world.confirmer.token, 'GET', `/v1/cases/${cases[1]}`)).body.status, 'exited', 'the death ended the case')

  await world.moveClock('2011-01-10')
  const result = await world.batch('RURAL_REWARD', '2010')
  t.match(result, { count: 2, total: '1440.00', notPayable: 1 }, 'two paid 720.00 each; one owed without an account')
  const batch = (await api.call(financeOfficer.token, 'GET', `/v1/payment-batches/${result.batchId}`)).body
  t.match(batch, {
    programCode: 'RURAL_REWARD', period: '2010', regionCode: world.district, status: 'draft', count: 2, total: '1440.00', notPayable: 1,
    bySource: [{ source: 'central', amount: '720.00' }, { source: 'provincial', amount: '432.00' }, { source: 'district', amount: '288.00' }],
    createdBy: { id: financeOfficer.id, name: '孙出纳' }, submittedBy: null, approvedBy: null,
  })
  const payments = await world.payments(result.batchId!)
  t.same(payments.map((each) => [each.personId, each.amount, each.status]).sort(), [[alive!.head, '720.00', 'pending'], [dies!.head, '720.00', 'pending']].sort(),
    'the one who died in June is paid the whole year, as RURAL_REWARD says')
  t.same(payments[0]!.bySource, [{ source: 'central', amount: '360.00' }, { source: 'provincial', amount: '216.00' }, { source: 'district', amount: '144.00' }])
  t.equal(payments.find((each) => each.personId === alive!.head)!.account, aliveAccount.accountNumber, 'the finance officer sees the whole account number')
  const seen = (await api.call(auditor.token, 'GET', `/v1/payment-batches/${result.batchId}/payments`)).body.items
  t.match(seen[0].account, /^\*+[0-9]{4}$/, 'an auditor sees it masked')
  t.match(seen[0].name, /\*/, 'names are masked')
  const missing = (await api.call(financeOfficer.token, 'GET', `/v1/payment-batches/${result.batchId}/not-payable`)).body.items
  t.same(missing.map((each: { personId: string, amount: string }) => [each.personId, each.amount]), [[noAccount!.head, '720.00']])

  const again = await world.batch('RURAL_REWARD', '2010')
  t.same([again.batchId, again.count, again.notPayable], [null, 0, 1], 'asked again, nobody is paid twice: no batch, the one without an account still listed')
  const audit = await world.database.db.selectFrom('audit_events').select(['entity_type', 'action', 'to_status']).where('entity_type', 'in', ['payment', 'batch']).execute()
  t.equal(audit.filter((row) => row.entity_type === 'payment' && row.action === 'create').length, 2, 'one audit row per payment')
  t.equal(audit.filter((row) => row.entity_type === 'batch' && row.action === 'create').length, 1)
})

t.test('approval takes a second person and the funds; the pain.001 is valid, and the same every time', async (t) => {
  const [batch] = (await api.call(financeOfficer.token, 'GET', '/v1/payment-batches?program=RURAL_REWARD')).body.items
  t.equal((await world.step(approver, batch.id, 'submit')).body.code, 'role_forbidden', 'an approver does not submit')
  t.equal((await world.step(financeOfficer, batch.id, 'approve')).body.code, 'role_forbidden', 'an officer does not approve')
  t.equal((await world.step(financeOfficer, batch.id, 'export')).body.code, 'transition_not_allowed')
  const submitted = await world.step(both, batch.id, 'submit')
  t.match(submitted.body, { status: 'submitted', submittedBy: { id: both.id } })
  const own = await world.step(both, batch.id, 'approve')
  t.match(own, { status: 403, body: { code: 'four_eyes' } }, 'the submitter cannot approve, whatever roles they hold')

  const overspent = await world.step(approver, batch.id, 'approve')
  t.match(overspent, { status: 409, body: { code: 'overspend' } }, 'no allocation: nothing to spend')
  t.match(overspent.body.detail, /central .* 0\.00 remains, the batch needs 720\.00/)
  await world.allocate('RURAL_REWARD', 2010, { central: '1000.00', provincial: '432.00', district: '200.00' })
  const short = await world.step(approver, batch.id, 'approve')
  t.match(short.body, { code: 'overspend', detail: /district allocation for 2010: 200\.00 remains, the batch needs 288\.00/ }, 'the source short of its share is named')
  await world.allocate('RURAL_REWARD', 2011, { district: '10000.00' })
  const topUp = await api.call(financeOfficer.token, 'POST', '/v1/fund-allocations', { programCode: 'RURAL_REWARD', year: 2010, source: 'district', amount: '100.00' })
  t.equal(topUp.body.code, 'allocation_exists')
  await world.database.db.updateTable('fund_allocations').set({ amount_fen: 28_800 }).where('year', '=', 2010).where('source', '=', 'district').execute()

  t.equal((await world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/pain001`, headers: { authorization: `Bearer ${financeOfficer.token}` } })).json().code,
    'batch_not_exportable', 'no file before approval')
  const approved = await world.step(approver, batch.id, 'approve')
  t.match(approved.body, { status: 'approved', approvedBy: { id: approver.id, name: '吴审批' } })
  const allocations = (await api.call(auditor.token, 'GET', '/v1/fund-allocations?year=2010')).body.items
  t.same(allocations.map((each: Record<string, string>) => [each.source, each.amount, each.spent, each.remaining]).sort(), [
    ['central', '1000.00', '720.00', '280.00'], ['district', '288.00', '288.00', '0.00'], ['provincial', '432.00', '432.00', '0.00'],
  ])

  const get = () => world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/pain001`, headers: { authorization: `Bearer ${financeOfficer.token}` } })
  const first = await get()
  t.equal(first.statusCode, 200)
  t.match(first.headers['content-type'], /application\/xml/)
  t.equal((await get()).body, first.body, 'the same bytes every time')
  const schema = XmlDocument.fromBuffer(await readFile(new URL('../../schemas/iso20022/pain.001.001.10.xsd', import.meta.url)))
  const validator = XsdValidator.fromDoc(schema)
  const document = XmlDocument.fromString(first.body)
  t.doesNotThrow(() => validator.validate(document), 'valid against the official schema')
  const ns = { p: 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.10' }
  const text = (path: string) => document.get(path, ns)!.content
  t.equal(text('//p:GrpHdr/p:NbOfTxs'), '2')
  t.equal(text('//p:GrpHdr/p:CtrlSum'), '1440.00')
  t.equal(text('//p:PmtInf/p:NbOfTxs'), '2')
  t.equal(text('//p:PmtInf/p:CtrlSum'), '1440.00')
  t.equal(text('//p:GrpHdr/p:MsgId'), `HM${batch.id.replaceAll('-', '')}`)
  t.equal(text('//p:Dbtr/p:Nm'), '江岸区财政局')
  const amounts = document.find('//p:CdtTrfTxInf/p:Amt/p:InstdAmt', ns).map((node) => node.content)
  t.same(amounts, ['720.00', '720.00'], 'one transaction per payment')
  const ids = document.find('//p:CdtTrfTxInf/p:PmtId/p:EndToEndId', ns).map((node) => node.content).sort()
  t.same(ids, (await world.payments(batch.id)).map((each) => each.id.replaceAll('-', '')).sort(), 'EndToEndId: each payment\'s id as 32 hex digits')
  t.ok(document.find('//p:CdtrAcct/p:Id/p:Othr/p:Id', ns).some((node) => node.content === aliveAccount.accountNumber), 'the whole account number goes to the bank')
  t.equal(document.find('//p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId', ns)[0]!.content, '402521000032', 'the payee bank\'s CNAPS code')
  document.dispose()
  validator.dispose()
  schema.dispose()

  const csv = await world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/export.csv`, headers: { authorization: `Bearer ${approver.token}` } })
  t.equal(csv.statusCode, 200)
  t.equal(csv.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'a UTF-8 byte-order mark')
  const lines = csv.body.slice(1).split('\r\n')
  t.equal(lines[0], '序号,收款人姓名,收款账号,开户行行号,开户行名称,金额,用途,业务编号')
  t.equal(lines.length, 4, 'header, two payments, and the CRLF of the last line')
  t.match(lines[1], /^1,张明,62220202[0-9]{11},402521000032,湖北省农村信用社,720\.00,2010年 农村部分计划生育家庭奖励扶助,[0-9a-f]{32}$/)
  const file = (query: string) => world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/${query}`, headers: { authorization: `Bearer ${approver.token}` } })
  for (const charset of ['gbk', 'gb18030']) {
    const encoded = await file(`export.csv?charset=${charset}`)
    t.equal(encoded.statusCode, 200)
    t.equal(encoded.headers['content-type'], `text/csv; charset=${charset}`)
    t.equal(iconv.decode(encoded.rawPayload, charset), csv.body.slice(1), `${charset}: the same rows, without the UTF-8 byte-order mark`)
    t.equal(encoded.rawPayload.indexOf(Buffer.from('张明', 'utf8')), -1, 'the name is not in UTF-8')
    t.not(encoded.rawPayload.indexOf(Buffer.from('d5c5c3f7', 'hex')), -1, '张明 is in GBK: D5C5 C3F7')
  }
  t.equal((await file('export.csv?charset=utf-8')).body, csv.body, 'utf-8 is the default')
  t.equal((await file('export.csv?charset=big5')).statusCode, 400, 'an encoding not offered is refused')

  const xlsx = await file('export.xlsx')
  t.equal(xlsx.statusCode, 200)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.match(xlsx.headers['content-disposition'], /^attachment; filename="[0-9A-Za-z-]+\.xlsx"$/)
  const { sheets, sheet, rows: sheetRows } = await openSheet(xlsx.rawPayload)
  t.equal(sheets, 1, 'one sheet')
  t.same(sheetRows, parse(csv.body.slice(1)), 'the header and rows of the CSV')
  for (const [column, name] of [[3, '收款账号'], [4, '开户行行号'], [8, '业务编号']] as const) {
    t.equal(sheet.getRow(1).getCell(column).value, name)
    for (const row of [2, 3]) {
      const cell = sheet.getRow(row).getCell(column)
      t.equal(typeof cell.value, 'string', `${name} is a text cell`)
      t.equal(cell.numFmt, '@', `${name} is formatted as text`)
    }
  }
  t.equal(sheet.getRow(2).getCell(6).value, 720, '金额 is the number of yuan')
  t.equal(sheet.getRow(2).getCell(6).numFmt, '0.00', 'shown with 2 decimals')
  t.equal((await world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/pain001`, headers: { authorization: `Bearer ${auditor.token}` } })).statusCode, 403,
    'files with whole account numbers are finance\'s only')

  t.equal((await world.step(financeOfficer, batch.id, 'export')).body.status, 'exported')
  t.equal((await world.step(financeOfficer, batch.id, 'cancel', '作废')).body.code, 'transition_not_allowed', 'no cancelling once the file went to the bank')
  t.ok((await verifyAuditTrail(world.database.db)).valid)
})

t.test('a cancelled batch frees its beneficiaries for the next', async (t) => {
  // 𬌗 (U+2C317) is outside GBK: no two bytes write it, GB18030's four do.
  await world.account(noAccount!.head, '李𬌗')
  const result = await world.batch('RURAL_REWARD', '2010')
  t.match(result, { count: 1, total: '720.00', notPayable: 0 }, 'the one who now has an account')
  t.equal((await world.step(financeOfficer, result.batchId!, 'cancel')).body.code, 'reason_required')
  const cancelled = await world.step(financeOfficer, result.batchId!, 'cancel', '账户待核实')
  t.equal(cancelled.body.status, 'cancelled')
  t.same((await world.payments(result.batchId!)).map((each) => each.status), ['cancelled'])
  const next = await world.batch('RURAL_REWARD', '2010')
  t.match(next, { count: 1, total: '720.00' }, 'paid by a new batch')

  await world.database.db.updateTable('fund_allocations').set((eb) => ({ amount_fen: eb('amount_fen', '+', 72_000) })).where('year', '=', 2010).execute()
  t.equal((await world.step(financeOfficer, next.batchId!, 'submit')).status, 200)
  t.equal((await world.step(approver, next.batchId!, 'approve')).status, 200)
  const file = (charset: string) => world.app.inject({ method: 'GET', url: `/v1/payment-batches/${next.batchId}/export.csv?charset=${charset}`, headers: { authorization: `Bearer ${approver.token}` } })
  const gbk = await file('gbk')
  t.match({ status: gbk.statusCode, type: gbk.headers['content-type'], body: gbk.json() },
    { status: 409, type: /^application\/problem\+json/, body: { code: 'charset_lacks_characters', detail: /payment 1 \(序号\) has a character GBK lacks; ask for charset=gb18030/ } },
    'a name GBK cannot write is refused whole, naming the payment by its 序号, never written as ?')
  t.notMatch(gbk.body, /李/, 'and the refusal does not quote the name')
  for (const charset of ['gb18030', 'utf-8']) {
    const written = await file(charset)
    t.equal(written.statusCode, 200)
    t.match(iconv.decode(written.rawPayload, charset).split('\r\n')[1], /^1,李𬌗,/, `${charset} writes the name whole`)
  }
})

t.test('refusals: periods, programmes, regions, the debtor', async (t) => {
  const ask = (body: Record<string, unknown>) => api.call(financeOfficer.token, 'POST', '/v1/payment-batches', body)
  t.equal((await ask({ programCode: 'RURAL_REWARD', period: '2010-06' })).body.code, 'period_invalid', 'a yearly amount has no month')
  t.equal((await ask({ programCode: 'RURAL_REWARD', period: '2012' })).body.code, 'period_in_future')
  t.equal((await ask({ programCode: 'FREE_SERVICES', period: '2010' })).body.code, 'program_not_payable')
  t.equal((await ask({ programCode: 'NO_SUCH', period: '2010' })).body.code, 'program_not_found')
  t.equal((await ask({ programCode: 'RURAL_REWARD', period: '2010-13' })).status, 400)
  const township = await world.officer(['finance_officer'], world.townB, '乙镇出纳')
  t.equal((await api.call(township.token, 'POST', '/v1/payment-batches', { programCode: 'RURAL_REWARD', period: '2010', regionCode: world.townA })).body.code, 'region_not_found')
  const [batch] = (await api.call(financeOfficer.token, 'GET', '/v1/payment-batches?status=exported')).body.items
  t.equal((await api.call(township.token, 'GET', `/v1/payment-batches/${batch.id}`)).body.code, 'batch_not_found', 'a district batch is not a township\'s to see')
  t.equal((await api.call(township.token, 'POST', '/v1/fund-allocations', { programCode: 'RURAL_REWARD', year: 2012, source: 'township', amount: '1.00' })).body.code,
    'district_scope_required')

  // The same service on the same database, its paying account configured in part or not at all.
  const { DEBTOR_NAME: _name, DEBTOR_ACCOUNT: _account, DEBTOR_BANK_CODE: _bank, ...withoutDebtor } = world.config
  const serviceWith = async (debtor: Partial<typeof DEBTOR>) => {
    const app = await build({ config: { ...withoutDebtor, ...debtor }, database: { ...world.database, close: async () => {} } })
    t.teardown(() => app.close())
    return (file: string) => app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/${file}`, headers: { authorization: `Bearer ${financeOfficer.token}` } })
  }
  const configured = await world.app.inject({ method: 'GET', url: `/v1/payment-batches/${batch.id}/export.csv`, headers: { authorization: `Bearer ${financeOfficer.token}` } })
  for (const [debtor, missing] of [[{}, 'DEBTOR_NAME, DEBTOR_ACCOUNT, DEBTOR_BANK_CODE'], [{ DEBTOR_NAME: DEBTOR.DEBTOR_NAME }, 'DEBTOR_ACCOUNT, DEBTOR_BANK_CODE'],
    [{ DEBTOR_NAME: DEBTOR.DEBTOR_NAME, DEBTOR_ACCOUNT: DEBTOR.DEBTOR_ACCOUNT }, 'DEBTOR_BANK_CODE']] as const) {
    const get = await serviceWith(debtor)
    const pain001 = await get('pain001')
    t.match({ status: pain001.statusCode, type: pain001.headers['content-type'], body: pain001.json() },
      { status: 409, type: /^application\/problem\+json/, body: { code: 'debtor_not_configured', detail: `The district's paying account is not configured: set ${missing}.` } },
      `pain.001 without ${missing}: refused, naming exactly what is missing`)
    t.notMatch(pain001.body, /<Document/, 'and not a byte of the file')
    const csv = await get('export.csv')
    t.same([csv.statusCode, csv.body], [200, configured.body], 'export.csv names no debtor (DESIGN §6: its columns are the payee\'s): the same file, debtor or not')
  }
})
