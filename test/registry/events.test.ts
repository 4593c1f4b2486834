import t from 'tap'
import { regionWorld } from '../helper.js'
import { couple } from './people.js'

const world = await regionWorld(t)
const { api } = world
const registrar = await world.officer(['registrar'], world.villageA, '登记员')
const finance = await world.officer(['finance_officer'], world.townA, '财政员')
const reviewer = await world.officer(['reviewer'], world.townA, '审核员')
const household = (await api.call(registrar.token, 'POST', '/v1/households', couple(world.villageA, 1))).body
const [husband, wife, son] = household.members as Array<{ id: string }>

const record = (personId: string, body: unknown) => api.call(registrar.token, 'POST', `/v1/persons/${personId}/events`, body)

t.test('events are dated facts with their type-specific fields', async (t) => {
  const certificate = await record(wife!.id, { type: 'only_child_certificate', date: '1980-06-01', number: '鄂-0001' })
  t.equal(certificate.status, 201)
  t.match(certificate.body, { type: 'only_child_certificate', date: '1980-06-01', number: '鄂-0001', supersedesId: null, supersededById: null })
  const sterilisation = await record(husband!.id, { type: 'sterilisation', date: '1981-03-02' })
  t.equal(sterilisation.status, 201)
  const missing = await record(wife!.id, { type: 'only_child_certificate', date: '1980-06-01' })
  t.equal(missing.status, 422)
  t.equal(missing.body.code, 'event_field_required')
  t.match(missing.body.errors, [{ path: '/body/number' }])
  const exam = await record(son!.id, { type: 'exam_result', date: '1993-07-10', exam: 'gaokao-1993', tier: 2 })
  t.match(exam.body, { exam: 'gaokao-1993', tier: 2 })
})

t.test('impossible events are refused', async (t) => {
  const future = await record(husband!.id, { type: 'service', date: '2999-01-01', service: 'iud_insertion' })
  t.equal(future.body.code, 'date_in_future')
  const beforeBirth = await record(son!.id, { type: 'exam_result', date: '1970-01-01', exam: 'x', tier: 1 })
  t.equal(beforeBirth.body.code, 'event_before_birth')
  const minor = await record(son!.id, { type: 'sterilisation', date: '1990-01-01' })
  t.equal(minor.status, 422)
  t.equal(minor.body.code, 'sterilisation_under_18')
  const unknownField = await record(son!.id, { type: 'death', date: '2000-01-01', mood: 'sad' })
  t.equal(unknownField.status, 400)
})

t.test('a correction supersedes the event and both stay on record', async (t) => {
  const wrong = await record(husband!.id, { type: 'service', date: '1982-01-01', service: 'iud_removal' })
  const corrected = await record(husband!.id, { type: 'service', date: '1982-01-05', service: 'iud_removal', supersedes: wrong.body.id })
  t.equal(corrected.status, 201)
  t.equal(corrected.body.supersedesId, wrong.body.id)
  const again = await record(husband!.id, { type: 'service', date: '1982-01-06', service: 'iud_removal', supersedes: wrong.body.id })
  t.equal(again.status, 409)
  t.equal(again.body.code, 'event_superseded')
  const otherType = await record(husband!.id, { type: 'sterilisation', date: '1982-01-06', supersedes: corrected.body.id })
  t.equal(otherType.body.code, 'event_type_mismatch')
  const events = await api.call(reviewer.token, 'GET', `/v1/persons/${husband!.id}/events`)
  const old = events.body.items.find((event: { id: string }) => event.id === wrong.body.id)
  t.equal(old.supersededById, corrected.body.id, 'the corrected event is still there, marked')
})

t.test('a death event sets the death date; later events are refused', async (t) => {
  const death = await record(son!.id, { type: 'death', date: '2005-04-04', cause: '车祸' })
  t.equal(death.status, 201)
  const person = await api.call(reviewer.token, 'GET', `/v1/persons/${son!.id}`)
  t.equal(person.body.deathDate, '2005-04-04')
  const after = await record(son!.id, { type: 'disability_assessment', date: '2006-01-01', grade: 2 })
  t.equal(after.body.code, 'event_after_death')
})

t.test('a bank account is set, masked except to finance roles, and kept as history when replaced', async (t) => {
  const first = await api.call(registrar.token, 'PUT', `/v1/persons/${husband!.id}/bank-account`, {
    bankName: '湖北省农村信用社', branchCode: '402521000032', accountNumber: '6228480012345678', holderName: '张明',
  })
  t.equal(first.status, 200)
  t.equal(first.body.accountNumber, '************5678', 'masked for a registrar')
  const forFinance = await api.call(finance.token, 'GET', `/v1/persons/${husband!.id}/bank-account`)
  t.equal(forFinance.body.accountNumber, '6228480012345678', 'whole for a finance officer')
  const second = await api.call(finance.token, 'PUT', `/v1/persons/${husband!.id}/bank-account`, {
    bankName: '中国农业银行', branchCode: '103521000016', accountNumber: '6228480099998888', holderName: '张明',
  })
  t.equal(second.status, 200)
  const current = await api.call(reviewer.token, 'GET', `/v1/persons/${husband!.id}/bank-account`)
  t.match(current.body, { id: second.body.id, bankName: '中国农业银行', accountNumber: '************8888' })
  const history = await world.database.db.selectFrom('bank_accounts').select(['id', 'active']).where('person_id', '=', husband!.id).orderBy('created_at').execute()
  t.same(history.map((row) => row.active), [false, true], 'the old account is history, not gone')
  const bad = await api.call(finance.token, 'PUT', `/v1/persons/${husband!.id}/bank-account`, { bankName: 'x', branchCode: '123', accountNumber: '12ab', holderName: '张明' })
  t.equal(bad.status, 400)
  t.same(bad.body.errors.map((error: { path: string }) => error.path).sort(), ['/body/accountNumber', '/body/branchCode'])
})

t.test('account numbers never reach the audit trail in clear', async (t) => {
  const rows = await world.database.db.selectFrom('audit_events').select('changes').where('action', '=', 'set_bank_account').execute()
  t.equal(rows.length, 2)
  const text = JSON.stringify(rows)
  t.notOk(text.includes('6228480012345678'))
  t.notOk(text.includes('6228480099998888'))
  t.notOk(text.includes('"张明"'))
})

t.test('outside the region: events and accounts are 404', async (t) => {
  const other = await world.officer(['registrar', 'finance_officer'], world.villageB, '乙村')
  t.equal((await api.call(other.token, 'POST', `/v1/persons/${wife!.id}/events`, { type: 'sterilisation', date: '1990-01-01' })).status, 404)
  t.equal((await api.call(other.token, 'GET', `/v1/persons/${wife!.id}/events`)).status, 404)
  t.equal((await api.call(other.token, 'PUT', `/v1/persons/${wife!.id}/bank-account`, { bankName: 'x', branchCode: '402521000032', accountNumber: '123456789', holderName: 'x' })).status, 404)
  t.equal((await api.call(other.token, 'GET', `/v1/persons/${husband!.id}/bank-account`)).status, 404)
})
