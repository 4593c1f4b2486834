import t from 'tap'
import { eligibilityWorld } from './world.js'

const world = await eligibilityWorld(t)
const { household, event, evaluate } = world

/** A couple born in the given years with the given children (sex, birth date, death date). */
async function family (husbandBorn: string, children: Array<[sex: 'male' | 'female', born: string, died?: string]>, hukouType = 'agricultural') {
  const [husband, wife] = await household([
    { sex: 'male', birthDate: husbandBorn, relationship: 'head' },
    { sex: 'female', birthDate: husbandBorn.replace(/^(\d{4})/, (year) => String(Number(year) + 2)), relationship: 'spouse' },
    ...children.map(([sex, birthDate, deathDate]) => ({ sex, birthDate, relationship: 'child' as const, ...(deathDate ? { deathDate } : {}) })),
  ], { hukouType })
  return { husband: husband!, wife: wife! }
}

t.test('born 1932-12-31 is too early; born 1933-01-01 qualifies', async (t) => {
  const early = await family('1932-12-31', [['male', '1960-03-01']])
  const onTime = await family('1933-01-01', [['male', '1960-03-01']])
  const refused = await evaluate('RURAL_REWARD', early.husband, '2010-06-30')
  t.equal(refused.eligible, false)
  t.equal(refused.failedOn, 'born')
  t.match(refused.criteria.find((criterion) => criterion.id === 'born'), { passed: false, actual: '1932-12-31', expected: '1933-01-01' })
  t.equal(refused.amount, null)
  const granted = await evaluate('RURAL_REWARD', onTime.husband, '2010-06-30')
  t.equal(granted.eligible, true)
  t.equal(granted.amount, '720.00')
})

t.test('turning 60 in the payment year counts, from 1 January', async (t) => {
  const { husband } = await family('1950-12-31', [['female', '1975-01-01']])
  t.equal((await evaluate('RURAL_REWARD', husband, '2010-01-01')).eligible, true, 'turns 60 on 31 December 2010')
  const year2009 = await evaluate('RURAL_REWARD', husband, '2009-12-31')
  t.equal(year2009.eligible, false)
  t.match(year2009.criteria.find((criterion) => criterion.id === 'age'), { actual: 59, expected: 60, passed: false })
})

t.test('children: one son, two daughters, no living child qualify; a son and a daughter do not', async (t) => {
  const oneSon = await family('1940-01-01', [['male', '1965-01-01']])
  const twoDaughters = await family('1940-01-01', [['female', '1965-01-01'], ['female', '1968-01-01']])
  const sonAndDaughter = await family('1940-01-01', [['male', '1965-01-01'], ['female', '1968-01-01']])
  const childDied = await family('1940-01-01', [['male', '1965-01-01', '1990-05-05']])
  const childless = await family('1940-01-01', [])
  t.equal((await evaluate('RURAL_REWARD', oneSon.husband, '2010-06-30')).eligible, true, 'one son')
  t.equal((await evaluate('RURAL_REWARD', twoDaughters.wife, '2010-06-30')).eligible, true, 'two daughters')
  const refused = await evaluate('RURAL_REWARD', sonAndDaughter.husband, '2010-06-30')
  t.equal(refused.eligible, false, 'a son and a daughter')
  t.equal(refused.failedOn, 'children')
  t.match(refused.criteria.find((criterion) => criterion.id === 'twoDaughters'), { actual: 1, passed: false })
  t.equal((await evaluate('RURAL_REWARD', childDied.husband, '2010-06-30')).eligible, true, 'their only child died')
  t.equal((await evaluate('RURAL_REWARD', childless.husband, '2010-06-30')).eligible, false, 'never had a child')
})

t.test('a child who moved to their own household is still the parents\' child', async (t) => {
  const { husband, wife } = await family('1941-02-02', [])
  await household([{ sex: 'male', birthDate: '1966-04-04', relationship: 'head', motherId: wife, fatherId: husband }])
  await household([{ sex: 'male', birthDate: '1969-04-04', relationship: 'head', motherId: wife, fatherId: husband }])
  const decision = await evaluate('RURAL_REWARD', husband, '2010-06-30')
  t.equal(decision.eligible, false, 'two sons, both living elsewhere')
  t.match(decision.criteria.find((criterion) => criterion.id === 'oneChild'), { actual: 2 })
})

t.test('a birth against policy in 1972 is allowed; in 1973 it is not, on either spouse', async (t) => {
  const in1972 = await family('1942-01-01', [['male', '1965-01-01']])
  await event(in1972.wife, { type: 'out_of_policy_birth', date: '1972-12-31' })
  t.equal((await evaluate('RURAL_REWARD', in1972.husband, '2010-06-30')).eligible, true)
  const in1973 = await family('1942-01-01', [['male', '1965-01-01']])
  await event(in1973.wife, { type: 'out_of_policy_birth', date: '1973-01-01' })
  const refused = await evaluate('RURAL_REWARD', in1973.husband, '2010-06-30')
  t.equal(refused.eligible, false, 'the wife\'s birth counts against the husband')
  t.equal(refused.failedOn, 'policy')
})

t.test('urban hukou does not qualify; death ends it after the year of death', async (t) => {
  const urban = await family('1940-01-01', [['male', '1965-01-01']], 'non_agricultural')
  t.equal((await evaluate('RURAL_REWARD', urban.husband, '2010-06-30')).failedOn, 'rural')
  const { husband } = await family('1940-01-01', [['male', '1965-01-01']])
  await event(husband, { type: 'death', date: '2011-03-03' })
  t.equal((await evaluate('RURAL_REWARD', husband, '2011-12-31')).eligible, true, 'paid for the year of death')
  t.equal((await evaluate('RURAL_REWARD', husband, '2012-06-30')).failedOn, 'lifetime', 'the evaluator\'s own criterion, before the rules\' own')
})

t.test('the amount is 600 for 2008, 720 for 2010, 960 for 2012, split 50/30/20', async (t) => {
  const { husband } = await family('1935-05-05', [['female', '1962-01-01']])
  t.equal((await evaluate('RURAL_REWARD', husband, '2008-12-31')).amount, '600.00')
  t.equal((await evaluate('RURAL_REWARD', husband, '2010-12-31')).amount, '720.00')
  const in2012 = await evaluate('RURAL_REWARD', husband, '2012-12-31')
  t.equal(in2012.amount, '960.00')
  t.same(in2012.funding, [{ source: 'central', amount: '480.00' }, { source: 'provincial', amount: '288.00' }, { source: 'district', amount: '192.00' }])
})
