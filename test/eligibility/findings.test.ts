import t from 'tap'
import { eligibilityWorld, type Evaluation } from './world.js'

/**
 * The eleven findings of the independent check, one test each. Every expected answer
 * here is worked out by hand from DESIGN §1–§3 (the arithmetic is in the comments), not
 * taken from either evaluator. Dates are as of 31 December unless the test is about an
 * edge: the day before or of a birth, an assessment, an adoption, a death.
 */
const world = await eligibilityWorld(t)
const { household, event, evaluate, ask, screen } = world

const criterion = (answer: Evaluation, id: string) => answer.criteria.find((each) => each.id === id)

t.test('1. a child not yet born does not count, and is not a beneficiary before birth', async (t) => {
  const [father, mother, elder, younger] = await household([
    { sex: 'male', birthDate: '1978-02-02', relationship: 'head' },
    { sex: 'female', birthDate: '1979-03-03', relationship: 'spouse' },
    { sex: 'female', birthDate: '2005-05-04', relationship: 'child' },
    { sex: 'female', birthDate: '2012-12-22', relationship: 'child' },
  ], { hukouType: 'non_agricultural' })
  await event(mother!, { type: 'only_child_certificate', date: '2006-06-19', number: '光荣证-F1' })

  // 2010: one child born (the elder); the certificate since 2006; she is 14 in 2019: 12 months × 10.
  const elder2010 = await evaluate('ONLY_CHILD_HEALTH_FEE', elder!, '2010-12-31')
  t.equal(elder2010.eligible, true)
  t.equal(elder2010.amount, '120.00')
  const younger2010 = await evaluate('ONLY_CHILD_HEALTH_FEE', younger!, '2010-12-31')
  t.equal(younger2010.eligible, false, 'the younger daughter is not born in 2010')
  t.equal(younger2010.failedOn, 'lifetime')
  t.equal(younger2010.amount, null)

  // The edge: the day before the younger daughter's birth the elder is still the only child.
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', elder!, '2012-12-21')).amount, '120.00', 'the day before the birth')
  const onTheBirthday = await evaluate('ONLY_CHILD_HEALTH_FEE', elder!, '2012-12-22')
  t.equal(onTheBirthday.failedOn, 'onlyChild', 'from the day of the birth there are two children')
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', younger!, '2012-12-21')).failedOn, 'lifetime', 'the day before her birth')
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', younger!, '2012-12-22')).failedOn, 'onlyChild', 'born, but the second child')

  const listed = await screen('ONLY_CHILD_HEALTH_FEE', 2010)
  t.same(listed.filter((item) => [elder, younger].includes(item.personId)).map((item) => [item.personId, item.amount]), [[elder, '120.00']],
    'the 2010 screening lists one only child for the couple')

  // GIRLS_PRIORITY: an only-child household in 2010 (one child, the certificate); two children from 2012-12-22.
  for (const person of [father, mother, elder]) t.equal((await evaluate('GIRLS_PRIORITY', person!, '2010-12-31')).eligible, true)
  t.equal((await evaluate('GIRLS_PRIORITY', younger!, '2010-12-31')).failedOn, 'lifetime')
  t.equal((await evaluate('GIRLS_PRIORITY', father!, '2013-12-31')).failedOn, 'household', 'two children: no longer an only-child household')
  t.equal((await evaluate('GIRLS_PRIORITY', elder!, '2013-12-31')).eligible, false)
})

t.test('2. a child who died counts for nothing after the year of death', async (t) => {
  const [father, , child] = await household([
    { sex: 'male', birthDate: '1975-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1977-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '2003-07-26', relationship: 'child', deathDate: '2007-10-06' },
  ])
  await event(father!, { type: 'only_child_certificate', date: '2004-10-28', number: '光荣证-F2' })
  for (const asOf of ['2008-12-31', '2010-12-31', '2014-12-31']) {
    const answer = await evaluate('ONLY_CHILD_HEALTH_FEE', child!, asOf)
    t.equal(answer.eligible, false, asOf)
    t.equal(answer.failedOn, 'lifetime', asOf)
  }
  // The year of death: January to October (the month of death included), 10 × 10.
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2007-12-31')).amount, '100.00')
  // The certificate's year: October to December, 3 × 10.
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2004-12-31')).amount, '30.00')
})

t.test('3. the disability grade is the one of the latest-dated assessment, in whatever order they were entered', async (t) => {
  const single = async (entered: Array<[date: string, grade: number]>) => {
    const [mother, son] = await household([
      { sex: 'female', birthDate: '1950-04-04', relationship: 'head' },
      { sex: 'male', birthDate: '1976-01-01', relationship: 'child' },
    ])
    for (const [date, grade] of entered) await event(son!, { type: 'disability_assessment', date, grade, certificate: `残-${date}` })
    return mother!
  }
  const outOfOrder = await single([['2012-08-21', 4], ['2008-08-04', 2]])
  const inOrder = await single([['2008-08-04', 2], ['2012-08-21', 4]])
  for (const mother of [outOfOrder, inOrder]) {
    const in2014 = await evaluate('SPECIAL_ASSISTANCE', mother, '2014-12-31')
    t.equal(in2014.eligible, false, 'grade 4 since 2012-08-21: not disabled at grade 1–3')
    t.equal(in2014.failedOn, 'cause')
    t.equal(criterion(in2014, 'childDisabled')?.actual, 4)
    t.equal((await evaluate('SPECIAL_ASSISTANCE', mother, '2012-12-31')).failedOn, 'cause')
    // 2010: grade 2 with a certificate since 2008; disabled 80 a month (2007 schedule) × 12.
    t.equal((await evaluate('SPECIAL_ASSISTANCE', mother, '2010-12-31')).amount, '960.00')
    // The day before the recovery: grade 2 still; 110 a month (2012 schedule) × 12.
    t.equal((await evaluate('SPECIAL_ASSISTANCE', mother, '2012-08-20')).amount, '1320.00')
    t.equal((await evaluate('SPECIAL_ASSISTANCE', mother, '2008-08-03')).failedOn, 'cause', 'the day before the first assessment')
    t.equal((await evaluate('SPECIAL_ASSISTANCE', mother, '2008-08-04')).amount, '960.00', 'the day of the first assessment')
  }
})

t.test('4. disability counts from the assessment that records it, and a recovery ends it without taking back the years before', async (t) => {
  const [mother, son] = await household([
    { sex: 'female', birthDate: '1943-12-06', relationship: 'head' },
    { sex: 'male', birthDate: '1968-05-05', relationship: 'child' },
  ])
  await event(son!, { type: 'disability_assessment', date: '2013-09-27', grade: 3, certificate: '残-F4' })
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2010-12-31')).failedOn, 'cause', 'not assessed before 2013')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2012-12-31')).failedOn, 'cause')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2013-09-26')).failedOn, 'cause', 'the day before the assessment')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2013-09-27')).eligible, true, 'the day of the assessment')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2013-12-31')).amount, '1320.00', '110 × 12')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', mother!, '2014-12-31')).amount, '1800.00', 'rural, disabled: 150 × 12')

  const [recovered, recoveredSon] = await household([
    { sex: 'female', birthDate: '1943-12-06', relationship: 'head' },
    { sex: 'male', birthDate: '1969-06-06', relationship: 'child' },
  ])
  await event(recoveredSon!, { type: 'disability_assessment', date: '2008-03-01', grade: 3, certificate: '残-F4b' })
  await event(recoveredSon!, { type: 'disability_assessment', date: '2012-05-01', grade: 4 })
  t.equal((await evaluate('SPECIAL_ASSISTANCE', recovered!, '2010-12-31')).amount, '960.00', 'disabled in 2010: 80 × 12, not withdrawn by the recovery of 2012')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', recovered!, '2011-12-31')).amount, '960.00')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', recovered!, '2012-12-31')).failedOn, 'cause', 'recovered in 2012')
})

t.test('5. an adopted child counts from the date of its adoption, not from its birth', async (t) => {
  const [father, , daughter] = await household([
    { sex: 'male', birthDate: '1955-06-06', relationship: 'head' },
    { sex: 'male', birthDate: '1985-03-01', relationship: 'child', deathDate: '1999-06-01' },
    { sex: 'female', birthDate: '2005-01-01', relationship: 'child', adopted: true },
  ])
  await event(father!, { type: 'adoption', date: '2012-09-10', childId: daughter! })
  // 2010: one child (the son, died 1999); the daughter is not yet his. Died: 100 a month × 12.
  const in2010 = await evaluate('SPECIAL_ASSISTANCE', father!, '2010-12-31')
  t.equal(in2010.eligible, true)
  t.equal(criterion(in2010, 'oneChild')?.actual, 1)
  t.equal(in2010.amount, '1200.00')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', father!, '2012-09-09')).amount, '1620.00', 'the day before the adoption: 135 × 12')
  const adopted = await evaluate('SPECIAL_ASSISTANCE', father!, '2012-09-10')
  t.equal(adopted.failedOn, 'oneChild', 'a child adopted since ends it')
  t.equal(criterion(adopted, 'oneChild')?.actual, 2)

  // The same history with the adoption recorded on the child herself.
  const [otherFather, , otherDaughter] = await household([
    { sex: 'male', birthDate: '1955-07-07', relationship: 'head' },
    { sex: 'male', birthDate: '1985-04-01', relationship: 'child', deathDate: '1999-06-01' },
    { sex: 'female', birthDate: '2005-02-01', relationship: 'child', adopted: true },
  ])
  await event(otherDaughter!, { type: 'adoption', date: '2012-09-10' })
  t.equal((await evaluate('SPECIAL_ASSISTANCE', otherFather!, '2010-12-31')).amount, '1200.00')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', otherFather!, '2012-12-31')).failedOn, 'oneChild')
})

t.test('6. a period with nothing owed does not qualify', async (t) => {
  const [, mother, child] = await household([
    { sex: 'male', birthDate: '1970-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1972-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '1996-05-17', relationship: 'child' },
  ])
  await event(mother!, { type: 'only_child_certificate', date: '2010-11-01', number: '光荣证-F6' })
  // He turns 14 in May 2010: January to April are under 14; the certificate counts from November. No month is both.
  const in2010 = await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2010-12-31')
  t.equal(in2010.eligible, false)
  t.equal(in2010.failedOn, 'owed')
  t.equal(in2010.amount, null)
  t.match(criterion(in2010, 'owed'), { passed: false, actual: '0.00' })
  t.equal((await evaluate('ONLY_CHILD_HEALTH_FEE', child!, '2009-12-31')).failedOn, 'onlyChild', 'no certificate yet in 2009')
  t.notOk((await screen('ONLY_CHILD_HEALTH_FEE', 2010)).some((item) => item.personId === child), 'not a candidate of the 2010 screening')
})

t.test('7. an only-child household has exactly one child: certificate holders with two children do not qualify', async (t) => {
  const [father, mother, elder, younger] = await household([
    { sex: 'male', birthDate: '1978-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1979-01-01', relationship: 'spouse' },
    { sex: 'male', birthDate: '2005-03-03', relationship: 'child' },
    { sex: 'male', birthDate: '2012-04-04', relationship: 'child' },
  ], { hukouType: 'non_agricultural' })
  await event(father!, { type: 'only_child_certificate', date: '2006-01-10', number: '光荣证-F7' })
  for (const person of [father, mother, elder, younger]) {
    const answer = await evaluate('GIRLS_PRIORITY', person!, '2014-12-31')
    t.equal(answer.eligible, false)
    t.equal(answer.failedOn, 'household')
  }
  t.equal((await evaluate('GIRLS_PRIORITY', father!, '2010-12-31')).eligible, true, 'one son and the certificate in 2010')
  t.equal((await evaluate('GIRLS_PRIORITY', elder!, '2010-12-31')).eligible, true)
  const fee = await evaluate('ONLY_CHILD_HEALTH_FEE', elder!, '2014-12-31')
  t.equal(fee.failedOn, 'onlyChild')
  t.equal(criterion(fee, 'onlyChild')?.actual, false)
})

t.test('8. nobody qualifies outside their own life', async (t) => {
  const [father, , first, second] = await household([
    { sex: 'male', birthDate: '1968-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1970-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1995-02-02', relationship: 'child', deathDate: '2002-04-04' },
    { sex: 'female', birthDate: '1998-08-08', relationship: 'child' },
  ])
  for (const asOf of ['2010-12-31', '2014-12-31']) {
    t.equal((await evaluate('GIRLS_PRIORITY', first!, asOf)).failedOn, 'lifetime', `the daughter who died in 2002, ${asOf}`)
    // Rural, two children, both daughters, no birth against policy: a daughters-only household.
    t.equal((await evaluate('GIRLS_PRIORITY', second!, asOf)).eligible, true)
    t.equal((await evaluate('GIRLS_PRIORITY', father!, asOf)).eligible, true)
  }
  // Two services of the younger daughter, then her death recorded between them.
  const whileAlive = await event(second!, { type: 'service', date: '2009-05-05', service: 'complication_treatment' })
  const later = await event(second!, { type: 'service', date: '2011-03-03', service: 'complication_treatment' })
  await event(second!, { type: 'death', date: '2010-04-04' })
  t.equal((await evaluate('FREE_SERVICES', second!, undefined, { claimId: whileAlive.id })).amount, '1000.00', 'a claim for a service while she lived')
  const afterDeath = await evaluate('FREE_SERVICES', second!, undefined, { claimId: later.id })
  t.equal(afterDeath.eligible, false, 'a claim dated after her recorded death')
  t.equal(afterDeath.failedOn, 'lifetime')
  t.notOk((await screen('FREE_SERVICES', 2011)).some((item) => item.personId === second), 'nor listed by the screening')
  t.equal((await evaluate('GIRLS_PRIORITY', second!, '2010-12-31')).failedOn, 'lifetime', 'nor a priority after her death')
})

t.test('9. monthly amounts run to the month of death; RURAL_REWARD pays the whole year', async (t) => {
  const [husband, wife] = await household([
    { sex: 'male', birthDate: '1950-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1952-02-02', relationship: 'spouse' },
    { sex: 'male', birthDate: '1975-03-03', relationship: 'child', deathDate: '2005-05-05' },
  ])
  await event(husband!, { type: 'death', date: '2012-01-18' })
  const in2012 = await evaluate('SPECIAL_ASSISTANCE', husband!, '2012-12-31')
  t.equal(in2012.eligible, true)
  t.equal(in2012.amount, '135.00', 'January only: 135 × 1')
  t.same(in2012.funding, [{ source: 'central', amount: '67.50' }, { source: 'provincial', amount: '40.50' }, { source: 'district', amount: '27.00' }])
  t.equal((await evaluate('SPECIAL_ASSISTANCE', wife!, '2012-12-31')).amount, '1620.00', 'his wife: 135 × 12')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', husband!, '2011-12-31')).amount, '1200.00', 'the year before: 100 × 12')
  t.equal((await evaluate('SPECIAL_ASSISTANCE', husband!, '2013-12-31')).failedOn, 'lifetime')
  t.equal((await evaluate('RURAL_REWARD', husband!, '2012-12-31')).amount, '960.00', 'RURAL_REWARD pays the year of death whole')
})

t.test('10. GIRLS_PRIORITY and GIRLS_COLLEGE_AWARD need a family-planning, daughters-only household', async (t) => {
  const [husband, wife, elder] = await household([
    { sex: 'male', birthDate: '1965-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1967-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1994-01-01', relationship: 'child' },
    { sex: 'female', birthDate: '1996-03-03', relationship: 'child' },
  ])
  await event(wife!, { type: 'out_of_policy_birth', date: '1996-03-03' })
  await event(elder!, { type: 'exam_result', date: '2012-06-25', exam: 'gaokao-2012', tier: 1 })
  t.equal((await evaluate('GIRLS_PRIORITY', husband!, '2012-12-31')).failedOn, 'household', 'a birth against policy in 1996')
  t.equal((await evaluate('GIRLS_PRIORITY', elder!, '2012-12-31')).failedOn, 'household')
  t.equal((await evaluate('GIRLS_PRIORITY', husband!, '1995-12-31')).eligible, true, 'before that birth: one daughter, no birth against policy')
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', elder!, '2012-08-01')).failedOn, 'familyPlanning')

  const [, , , , youngest] = await household([
    { sex: 'male', birthDate: '1965-01-01', relationship: 'head' },
    { sex: 'female', birthDate: '1967-01-01', relationship: 'spouse' },
    { sex: 'female', birthDate: '1993-01-01', relationship: 'child' },
    { sex: 'female', birthDate: '1994-02-01', relationship: 'child' },
    { sex: 'female', birthDate: '1995-03-01', relationship: 'child' },
  ])
  await event(youngest!, { type: 'exam_result', date: '2013-06-25', exam: 'gaokao-2013', tier: 2 })
  t.equal((await evaluate('GIRLS_COLLEGE_AWARD', youngest!, '2013-08-01')).failedOn, 'daughtersOnly', 'three daughters: not one or two')
  t.equal((await evaluate('GIRLS_PRIORITY', youngest!, '2013-12-31')).failedOn, 'household')
})

t.test('11. FREE_SERVICES is decided per claim and priced by the list in force on the service date', async (t) => {
  const [farmer] = await household([{ sex: 'female', birthDate: '1980-01-01', relationship: 'head' }])
  const [townsman] = await household([{ sex: 'male', birthDate: '1980-01-01', relationship: 'head' }], { hukouType: 'non_agricultural' })
  const insertion = await event(farmer!, { type: 'service', date: '2010-03-01', service: 'iud_insertion' })
  const sterilisation = await event(farmer!, { type: 'service', date: '2012-05-05', service: 'sterilisation' })
  const urban = await event(townsman!, { type: 'service', date: '2010-04-04', service: 'iud_removal' })

  const claim = await evaluate('FREE_SERVICES', farmer!, undefined, { claimId: insertion.id })
  t.equal(claim.eligible, true)
  t.equal(claim.amount, '60.00', 'an IUD insertion on the 2005 price list')
  t.same(claim.claim, { id: insertion.id, service: 'iud_insertion', date: '2010-03-01' })
  t.equal(claim.asOf, '2010-03-01', 'decided on the service date')
  t.equal(claim.period, insertion.id, 'the period paid is the claim')
  t.same(claim.funding, [{ source: 'district', amount: '60.00' }])
  t.equal((await evaluate('FREE_SERVICES', townsman!, undefined, { claimId: urban.id })).failedOn, 'rural')

  const missing = await ask({ programCode: 'FREE_SERVICES', personId: farmer! })
  t.equal(missing.status, 422)
  t.equal(missing.body.code, 'claim_required')
  t.equal((await ask({ programCode: 'FREE_SERVICES', personId: farmer!, claimId: urban.id })).body.code, 'claim_not_found', 'another person\'s service')
  t.equal((await ask({ programCode: 'FREE_SERVICES', personId: farmer!, claimId: insertion.id, asOf: '2010-02-28' })).body.code, 'claim_after_as_of')
  t.equal((await ask({ programCode: 'RURAL_REWARD', personId: farmer!, claimId: insertion.id })).body.code, 'claim_not_applicable')

  // A new price list from 2011: the 2010 claim keeps its price, the 2012 one takes the new one.
  const secondAdmin = await world.officer(['admin'], world.district, '第二管理员')
  const { active } = (await world.api.call(world.admin, 'GET', '/v1/programs/FREE_SERVICES')).body
  const amounts = structuredClone(active.amounts)
  amounts.schedule.push({ from: '2011-01-01', tiers: amounts.schedule[0].tiers.map((tier: { service: string, amount: string }) => tier.service === 'sterilisation' ? { ...tier, amount: '800.00' } : tier) })
  const draft = await world.api.call(world.admin, 'POST', '/v1/programs/FREE_SERVICES/rule-versions',
    { effectiveFrom: '2011-01-01', rules: active.rules, amounts, funding: active.funding, payment: active.payment, workflow: active.workflow })
  t.equal(draft.status, 201)
  t.equal((await world.api.call(secondAdmin.token, 'POST', `/v1/programs/FREE_SERVICES/rule-versions/${draft.body.version}/transitions`, { action: 'activate' })).status, 200)
  t.equal((await evaluate('FREE_SERVICES', farmer!, undefined, { claimId: insertion.id })).amount, '60.00')
  t.equal((await evaluate('FREE_SERVICES', farmer!, undefined, { claimId: sterilisation.id })).amount, '800.00')

  const listed = await screen('FREE_SERVICES', 2012)
  t.same(listed.filter((item) => item.personId === farmer).map((item) => [item.claimId, item.amount]), [[sterilisation.id, '800.00']],
    'the 2012 screening lists the year\'s claims, one a service event')
  t.notOk(listed.some((item) => item.personId === townsman))
})
