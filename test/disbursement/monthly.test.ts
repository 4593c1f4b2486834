import t from 'tap'
import { idNumberFor } from '../registry/people.js'
import { moneyWorld } from './world.js'

const world = await moneyWorld(t)
const { api, registrar, financeOfficer } = world

// An only child born 2005-03-01 whose parents hold the only-child certificate since
// 2006-05-10: ONLY_CHILD_HEALTH_FEE owes 10.00 a month (DESIGN §1) from the certificate's
// month to the month before the 14th birthday (March 2019) — every month of 2010. The
// district funds half, the township half: 5.00 each a month.
const household = await api.call(world.admin, 'POST', '/v1/households', {
  regionCode: world.villageA, hukouType: 'agricultural', address: '独生子女户1号',
  members: [
    { name: '黄海', idNumber: idNumberFor('1975-02-03', 'male', 71), sex: 'male', birthDate: '1975-02-03', relationship: 'head' },
    { name: '林梅', idNumber: idNumberFor('1977-04-05', 'female', 72), sex: 'female', birthDate: '1977-04-05', relationship: 'spouse' },
    { name: '黄小宝', idNumber: idNumberFor('2005-03-01', 'male', 73), sex: 'male', birthDate: '2005-03-01', relationship: 'child' },
  ],
})
const member = (relationship: string) => household.body.members.find((each: { relationship: string }) => each.relationship === relationship).id as string
const [father, mother, child] = [member('head'), member('spouse'), member('child')]
await api.call(registrar.token, 'POST', `/v1/persons/${father}/events`, { type: 'only_child_certificate', date: '2006-05-10', number: '鄂独证2006-0012' })
await world.beneficiaries([child], 'ONLY_CHILD_HEALTH_FEE')

t.test('a month of a monthly programme pays that month, to the mother\'s account when the child has none', async (t) => {
  const motherAccount = await world.account(mother, '林梅')
  await world.moveClock('2010-06-02')
  const june = await world.batch('ONLY_CHILD_HEALTH_FEE', '2010-06')
  t.match(june, { count: 1, total: '10.00', notPayable: 0 })
  const [payment] = await world.payments(june.batchId!)
  t.same([payment!.personId, payment!.amount, payment!.account], [child, '10.00', motherAccount.accountNumber], 'the child is the beneficiary; the mother\'s account is paid')
  t.same(payment!.bySource, [{ source: 'township', amount: '5.00' }, { source: 'district', amount: '5.00' }])
  const batch = (await api.call(financeOfficer.token, 'GET', `/v1/payment-batches/${june.batchId}`)).body
  t.match(batch, { period: '2010-06', bySource: [{ source: 'township', amount: '5.00' }, { source: 'district', amount: '5.00' }] })

  t.equal((await world.batch('ONLY_CHILD_HEALTH_FEE', '2010')).count, 0, 'the year is not paid while one of its months is pending: nobody paid twice')
  t.equal((await world.step(financeOfficer, june.batchId!, 'cancel', '按年发放')).body.status, 'cancelled')
  await world.moveClock('2011-01-05')
  const year = await world.batch('ONLY_CHILD_HEALTH_FEE', '2010')
  t.match(year, { count: 1, total: '120.00' }, 'twelve months of 10.00')
  t.equal((await world.batch('ONLY_CHILD_HEALTH_FEE', '2010-07')).count, 0, 'and then no month of that year')
})
