import t from 'tap'
import { eligibilityWorld } from './world.js'

const world = await eligibilityWorld(t)
const { household, event, evaluate } = world

t.test('SPECIAL_ASSISTANCE: amounts by year, cause and urban or rural', async (t) => {
  const parents = async (hukouType: string, child: { deathDate?: string, disabilityGrade?: number, disabilityCertificate?: string }) => {
    const [husband, wife] = await household([
      { sex: 'male', birthDate: '1953-01-01', relationship: 'head' },
      { sex: 'female', birthDate: '1955-03-03', relationship: 'spouse' },
      { sex: 'male', birthDate: '1980-01-01', relationship: 'child', ...child },
    ], { hukouType })
    return { husband: husband!, wife: wife! }
  }
  const bereavedRural = await parents('agricultural', { deathDate: '2005-01-01' })
  const bereavedUrban = await parents('non_agricultural', { deathDate: '2005-01-01' })
  const disabledRural = await parents('agricultural', { disabilityGrade: 2, disabilityCertificate: '残-01' })
  const disabledUrban = await parents('non_agricultural', { disabilityGrade: 3, disabilityCertificate: '残-02' })
  const amounts = async (personId: string) => Promise.all(['2008-12-31', '2012-12-31', '2014-12-31'].map(async (asOf) => (await evaluate('SPECIAL_ASSISTANCE', personId, asOf)).amount))
  t.same(await amounts(bereavedRural.husband), ['1200.00', '1620.00', '2040.00'], 'died: 100, 135, rural 170 a month')
  t.same(await amounts(bereavedUrban.wife), ['1200.00', '1620.00', '4080.00'], 'died: urban 340 a month from 2014')
  t.same(await amounts(disabledRural.husband), ['960.00', '1320.00', '1800.00'], 'disabled: 80, 110, rural 150 a month')
  t.same(await amounts(disabledUrban.wife), ['960.00', '1320.00', '3240.00'], 'disabled: urban 270 a month from 2014')
})

t.test('SPECIAL_ASSISTANCE: the woman 49 or over, one child only, disabled at grade 1–3 with a certificate', async (t) => {
  const [young] = await household([
    { sex: 'male', birthDate: '1960-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1962-06-06', relationship: 'spouse' },
    { sex: 'female', birthDate: '1985-01-01', relationship: 'child', deathDate: '2000-01-01' },
  ])
  const tooYoung = await evaluate('SPECIAL_ASSISTANCE', young!, '2010-12-31')
  t.equal(tooYoung.failedOn, 'womanAge', 'the husband is judged by his wife\'s age')
  t.match(tooYoung.criteria.find((criterion) => criterion.id === 'womanAge'), { actual: 48 })
  t.equal((await evaluate('SPECIAL_ASSISTANCE', young!, '2011-12-31')).eligible, true, 'she turns 49 in 2011')

  const [grade4] = await household([
    { sex: 'female', birthDate: '1950-01-01', relationship: 'head' },
    { sex: 'male', birthDate: '1975-01-01', relationship: 'child', disabilityGrade: 4, disabilityCertificate: '残-03' },
  ])
  t.equal((await evaluate('SPECIAL_ASSISTANCE', grade4!, '2010-12-31')).failedOn, 'cause', 'grade 4 is not enough')
  const [uncertified] = await household([
    { sex: 'female', birthDate: '1950-01-01', relationship: 'head' },
    { sex: 'male', birthDate: '1975-01-01', relationship: 'child', disabilityGrade: 1 },
  ])
  t.equal((await evaluate('SPECIAL_ASSISTANCE', uncertified!, '2010-12-31')).failedOn, 'cause', 'no certificate')

  const [mother] = await household([
    { sex: 'female', birthDate: '1950-01-01', relationship: 'head' },
    { sex: 'male', birthDate: '1975-01-01', relationship: 'child', deathDate: '1999-01-01' },
    { sex: 'female', birthDate: '2009-01-01', relationship: 'child', adopted: true },
  ])
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2008-12-31')).eligible, true, 'before the adopted daughter\'s birth')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2010-12-31')).failedOn, 'oneChild', 'a child adopted since ends it')
  const before2007 = await evaluate('SPECIAL_ASSISTANCE', mother!, '2006-12-31')
  t.equal(before2007.failedOn, 'owed', 'nothing is owed before the programme\'s first amounts (2007)')
})

t.test('ONLY_CHILD_HEALTH_FEE: months from the certificate month to the month before the 14th birthday', async (t) => {
  const [father, mother, child] = await household([
    { sex: 'male', birthDate: '1975-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1976-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '2000-05-10', relationship: 'child' },
  ])
  const noCertificate = await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2000-12-31')
  t.equal(noCertificate.failedOn, 'onlyChild', 'no certificate yet: not an only-child household')
  t.match(noCertificate.criteria.find((criterion) => criterion.id === 'onlyChild'), { fact: 'parentsOnlyChildHousehold', actual: false })
  await event(mother!, { type: 'only_child_certificate', date: '2001-03-15', number: '光荣证-001' })
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2001-12-31')).amount, '100.00', 'March to December 2001: 10 months')
  const in2010 = await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2010-12-31')
  t.equal(in2010.amount, '120.00')
  t.same(in2010.funding, [{ source: 'township', amount: '60.00' }, { source: 'district', amount: '60.00' }], 'the district pays half')
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2014-12-31')).amount, '40.00', 'January to April 2014; he turns 14 in May')
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2015-06-30')).failedOn, 'underAge')
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', father!, '2010-12-31')).eligible, false, 'the fee is the child\'s, not the parent\'s')
  await household([{ sex: 'female', birthDate: '2012-02-02', relationship: 'head', motherId: mother!, fatherId: father! }])
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2013-12-31')).failedOn, 'onlyChild', 'a sister born in 2012 ends it')
})

t.test('GIRLS_TWO_DAUGHTER_STERILISATION: the tiers by years since the sterilisation', async (t) => {
  const [head, wife] = await household([
    { sex: 'male', birthDate: '1970-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1972-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1995-01-01', relationship: 'child' },
    { sex: 'female', birthDate: '1998-01-01', relationship: 'child' },
  ])
  t.equal((await evaluate('GIRLS_TWO_DAUGHTER_STERILISATION', head!, '2008-05-31')).failedOn, 'sterilised')
  await event(wife!, { type: 'sterilisation', date: '2008-06-01' })
  t.equal((await evaluate('GIRLS_TWO_DAUGHTER_STERILISATION', head!, '2009-05-31')).amount, '3000.00', 'within one year')
  t.equal((await evaluate('GIRLS_TWO_DAUGHTER_STERILISATION', head!, '2011-05-31')).amount, '2000.00', 'within three years')
  t.equal((await evaluate('GIRLS_TWO_DAUGHTER_STERILISATION', head!, '2011-06-01')).amount, '1000.00', 'three years or more')
  t.equal((await evaluate('GIRLS_TWO_DAUGHTER_STERILISATION', wife!, '2009-05-31')).failedOn, 'head', 'the household is rewarded once, through its head')

  const [mixed, mixedWife] = await household([
    { sex: 'male', birthDate: '1970-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1972-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1995-01-01', relationship: 'child' },
    { sex: 'male', birthDate: '1998-01-01', relationship: 'child' },
  ])
  await event(mixedWife!, { type: 'sterilisation', date: '2008-06-01' })
  t.equal((await evaluate('GIRLS_TWO_DAUGHTER_STERILISATION', mixed!, '2009-05-31')).failedOn, 'twoDaughters')
})

t.test('GIRLS_COLLEGE_AWARD: 3,000, 2,000 and 1,500 by tier, for daughters of daughters-only parents', async (t) => {
  const [, , elder, younger] = await household([
    { sex: 'male', birthDate: '1968-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1970-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1994-01-01', relationship: 'child' },
    { sex: 'female', birthDate: '1995-01-01', relationship: 'child' },
  ])
  await event(elder!, { type: 'exam_result', date: '2012-06-25', exam: 'gaokao-2012', tier: 1 })
  await event(younger!, { type: 'exam_result', date: '2013-06-25', exam: 'gaokao-2013', tier: 3 })
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', elder!, '2012-08-01')).amount, '3000.00')
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', elder!, '2013-08-01')).failedOn, 'passed', 'the award is for the year of the exam')
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', younger!, '2013-08-01')).amount, '1500.00')
  const [, , sister, brother] = await household([
    { sex: 'male', birthDate: '1968-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1970-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1994-01-01', relationship: 'child' },
    { sex: 'male', birthDate: '1996-01-01', relationship: 'child' },
  ])
  await event(sister!, { type: 'exam_result', date: '2012-06-25', exam: 'gaokao-2012', tier: 2 })
  await event(brother!, { type: 'exam_result', date: '2014-06-25', exam: 'gaokao-2014', tier: 2 })
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', sister!, '2012-08-01')).failedOn, 'daughtersOnly')
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', brother!, '2014-08-01')).failedOn, 'girl')
})

t.test('GIRLS_PRIORITY: eligibility without an amount; FREE_SERVICES: per claim', async (t) => {
  const [parent, spouse, child] = await household([
    { sex: 'male', birthDate: '1975-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1976-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '2001-01-01', relationship: 'child' },
  ], { hukouType: 'non_agricultural' })
  t.equal((await evaluate('GIRLS_PRIORITY', child!, '2010-12-31')).eligible, false)
  await event(spouse!, { type: 'only_child_certificate', date: '2002-01-01', number: '光荣证-002' })
  const priority = await evaluate('GIRLS_PRIORITY', parent!, '2010-12-31')
  t.equal(priority.eligible, true, 'the spouse\'s certificate is the couple\'s')
  t.equal(priority.amount, null)
  t.same(priority.funding, [])
  t.equal((await evaluate('GIRLS_PRIORITY', child!, '2010-12-31')).eligible, true, 'and their only child\'s')
  const urbanClaim = await event(parent!, { type: 'service', date: '2010-05-05', service: 'iud_removal' })
  t.equal((await evaluate('FREE_SERVICES', parent!, undefined, { claimId: urbanClaim.id })).failedOn, 'rural')
  const [farmer] = await household([{ sex: 'female', birthDate: '1980-01-01', relationship: 'head' }])
  const claim = await event(farmer!, { type: 'service', date: '2010-05-05', service: 'termination' })
  const services = await evaluate('FREE_SERVICES', farmer!, '2010-12-31', { claimId: claim.id })
  t.equal(services.eligible, true)
  t.equal(services.amount, '300.00', 'priced per claim')
  t.equal(services.asOf, '2010-12-31', 'a claim may be decided as of a later date')
  t.equal(services.criteria[0]!.label, 'living on the service date')
  const old = await event(farmer!, { type: 'service', date: '2004-12-31', service: 'termination' })
  t.equal((await evaluate('FREE_SERVICES', farmer!, undefined, { claimId: old.id })).failedOn, 'owed', 'no price list in force before 2005')
})
