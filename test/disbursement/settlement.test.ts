import t from 'tap'
import { hex, pain002 } from './pain002.js'
import { moneyWorld } from './world.js'

const world = await moneyWorld(t)
const { api, financeOfficer } = world

// Three elderly couples: each head is owed RURAL_REWARD 720.00 for 2010 (DESIGN §1), 2160.00 in all.
const couples = [await world.elderlyCouple(), await world.elderlyCouple(), await world.elderlyCouple()]
await world.beneficiaries(couples.map((each) => each.head))
for (const each of couples) await world.account(each.head)
await world.allocate('RURAL_REWARD', 2010, { central: '10000.00', provincial: '10000.00', district: '10000.00' })
await world.moveClock('2011-01-10')
const { batchId } = await world.batch('RURAL_REWARD', '2010')
await world.approveAndExport(batchId!)
const messageId = `HM${hex(batchId!)}`
const byPerson = new Map((await world.payments(batchId!)).map((each) => [each.personId, each.id]))
const [a, b, c] = couples.map((each) => byPerson.get(each.head)!) as [string, string, string]

/** The payments' statuses in the order A, B, C, and the batch as its page shows it. */
const state = async () => {
  const now = new Map((await world.payments(batchId!)).map((each) => [each.id, each.status]))
  const batch = (await api.call(financeOfficer.token, 'GET', `/v1/payment-batches/${batchId}`)).body
  return { payments: [a, b, c].map((id) => now.get(id)), batch: { status: batch.status, paid: batch.paid, failed: batch.failed } }
}
const reconciles = () => world.database.db.selectFrom('audit_events').select(['actor_kind', 'to_status'])
  .where('entity_type', '=', 'batch').where('entity_id', '=', batchId!).where('action', '=', 'reconcile').execute()

/** The bank's first answer: A paid, B refused (AC04); C not answered yet. */
const first = pain002({
  answers: messageId, count: 3, sum: '2160.00',
  perStatus: [{ status: 'ACSC', count: 1, sum: '720.00' }, { status: 'RJCT', count: 1, sum: '720.00' }],
  lines: [{ endToEndId: hex(a), status: 'ACSC', amount: '720.00' }, { endToEndId: hex(b), status: 'RJCT', reasonCode: 'AC04', amount: '720.00' }],
})
/** The bank's second answer: the rest, C paid. */
const second = pain002({
  answers: messageId, count: 3, sum: '2160.00',
  perStatus: [{ status: 'ACSP', count: 1, sum: '720.00' }],
  lines: [{ endToEndId: hex(c), status: 'ACSP', amount: '720.00' }],
})

t.test('a pain.002 that settles part of a batch, then one with the rest: reconciled only after the second', async (t) => {
  t.same(await state(), { payments: ['pending', 'pending', 'pending'], batch: { status: 'exported', paid: 0, failed: 0 } }, 'before any answer')

  const part = await world.postResults(batchId!, first, 'application/xml')
  t.same([part.status, part.body], [200, { paid: 1, failed: 1, batchStatus: 'exported' }], 'one paid, one failed, C still pending')
  t.same(await state(), { payments: ['paid', 'failed', 'pending'], batch: { status: 'exported', paid: 1, failed: 1 } }, 'not reconciled while C is pending')
  t.same(await reconciles(), [], 'no reconcile step yet')

  const again = await world.postResults(batchId!, first, 'application/xml')
  t.match(again, { status: 422, body: { code: 'payment_settled' } }, 'the first file sent twice is refused')
  t.equal(again.body.errors.length, 2, 'both of its lines listed')
  t.ok([a, b].every((id) => again.body.errors.some((each: { message: string }) => each.message.includes(hex(id)))), 'each naming its payment')
  t.same(await state(), { payments: ['paid', 'failed', 'pending'], batch: { status: 'exported', paid: 1, failed: 1 } }, 'and changed no payment and not the batch')

  const rest = await world.postResults(batchId!, second, 'application/xml')
  t.same([rest.status, rest.body], [200, { paid: 1, failed: 0, batchStatus: 'reconciled' }], 'the last pending payment settled')
  t.same(await state(), { payments: ['paid', 'failed', 'paid'], batch: { status: 'reconciled', paid: 2, failed: 1 } }, 'every payment settled: reconciled')
  t.same(await reconciles(), [{ actor_kind: 'system', to_status: 'reconciled' }], 'by the system, once')

  const late = await world.postResults(batchId!, second, 'application/xml')
  t.match(late, { status: 409, body: { code: 'batch_not_exported' } }, 'a reconciled batch takes no more results')
  t.same(await state(), { payments: ['paid', 'failed', 'paid'], batch: { status: 'reconciled', paid: 2, failed: 1 } }, 'and nothing changes')
})
