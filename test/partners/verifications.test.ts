import t from 'tap'
import { idNumberFor } from '../registry/people.js'
import { workflowWorld } from '../workflow/world.js'

const world = await workflowWorld(t)
const { api, admin, confirmer, setClock, elderlyCouple, register, walkToActive } = world

const partner = await api.call(admin, 'POST', '/v1/partners', { name: '区教育局中考系统', department: '教育局', programs: ['GIRLS_PRIORITY', 'RURAL_REWARD'] })
const partnerToken = (await api.call(admin, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})).body.token as string
const otherPartner = await api.call(admin, 'POST', '/v1/partners', { name: '区民政局', department: '民政局', programs: ['RURAL_REWARD'] })
const otherToken = (await api.call(admin, 'POST', `/v1/partners/${otherPartner.body.id}/tokens`, {})).body.token as string
const auditor = await world.officer(['auditor'], world.district, '孙审计')

const ask = (token: string, idNumber: string, benefit: string, purpose = '2010年中考加分审核') =>
  api.call(token, 'GET', `/v1/verifications?idNumber=${idNumber}&benefit=${benefit}&purpose=${encodeURIComponent(purpose)}`)

t.test('a partner learns qualified or not, and nothing more; nobody and a non-qualifying holder answer alike', async (t) => {
  const beneficiary = await elderlyCouple()
  t.equal((await walkToActive(await register(beneficiary.head))).status, 'active')
  const head = (await api.call(world.registrar.token, 'GET', `/v1/persons/${beneficiary.head}`)).body.idNumber as string
  const spouse = (await api.call(world.registrar.token, 'GET', `/v1/persons/${beneficiary.spouse}`)).body.idNumber as string

  const yes = await ask(partnerToken, head, 'RURAL_REWARD', '民政低保审核')
  t.equal(yes.status, 200)
  t.same(Object.keys(yes.body).sort(), ['benefit', 'checkedAt', 'qualified', 'reference', 'validUntil'], 'nothing about the person or household')
  t.match(yes.body, { benefit: 'RURAL_REWARD', qualified: true, validUntil: '2010-12-31', reference: /^V[0-9A-Z]{12}$/ })
  t.equal(yes.headers['cache-control'], 'no-store')

  const holderNotQualified = await ask(partnerToken, spouse, 'RURAL_REWARD')
  const nobody = await ask(partnerToken, idNumberFor('1950-02-03', 'female', 77), 'RURAL_REWARD')
  for (const answer of [holderNotQualified, nobody]) {
    t.equal(answer.status, 200)
    t.match(answer.body, { benefit: 'RURAL_REWARD', qualified: false, validUntil: '2010-04-05' })
  }
  t.same(Object.keys(holderNotQualified.body).sort(), Object.keys(nobody.body).sort(), 'the two answers have the same shape and values but the reference and time')

  const badDigit = head.slice(0, 17) + (head[17] === '0' ? '1' : '0')
  const malformed = await ask(partnerToken, badDigit, 'RURAL_REWARD')
  t.match([malformed.status, malformed.body.code], [422, 'id_number_check_digit'])
  const outOfScope = await ask(otherToken, head, 'GIRLS_PRIORITY')
  t.match([outOfScope.status, outOfScope.body.code], [403, 'benefit_out_of_scope'])
  t.equal((await api.call(confirmer.token, 'GET', `/v1/verifications?idNumber=${head}&benefit=RURAL_REWARD&purpose=x`)).body.code, 'role_forbidden', 'officers do not ask here')

  const readBack = await api.call(partnerToken, 'GET', `/v1/verifications/${yes.body.reference}`)
  t.same(readBack.body, yes.body, 'the partner reads its answer back')
  t.same((await api.call(auditor.token, 'GET', `/v1/verifications/${yes.body.reference}`)).body, yes.body, 'so does an auditor')
  t.equal((await api.call(otherToken, 'GET', `/v1/verifications/${yes.body.reference}`)).body.code, 'verification_not_found', 'another partner does not')

  const rows = await world.database.db.selectFrom('audit_events').selectAll().where('entity_type', '=', 'verification').orderBy('seq').execute()
  t.equal(rows.length, 3, 'every answered question is in the audit trail')
  t.match(rows[0], {
    action: 'verify', actor_kind: 'partner', actor_name: '区教育局中考系统', actor_role: 'partner', reason: '民政低保审核',
    changes: { partner: '区教育局中考系统', benefit: 'RURAL_REWARD', qualified: true, idNumber: /^\d{6}\*{8}\d{3}[\dX]$/ },
  })
  t.notOk(rows.some((row) => JSON.stringify(row).includes(head)), 'the whole ID number is in no audit row')

  // The head was born in the 1900s: the 15-digit form of the number drops the century and the check character.
  const typedAsPeopleDo = [` ${head.toLowerCase()} `, head.replace(/[0-9X]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xFEE0)), head.slice(0, 6) + head.slice(8, 17)]
  for (const typed of typedAsPeopleDo) {
    t.match((await ask(partnerToken, encodeURIComponent(typed), 'RURAL_REWARD')).body, { qualified: true }, `asked with ${typed.trim().length} characters`)
  }
  const audited = await world.database.db.selectFrom('audit_events').select('changes').where('entity_type', '=', 'verification').orderBy('seq', 'desc').limit(3).execute()
  t.same(audited.map((row) => (row.changes as { idNumber: string }).idNumber), Array(3).fill((rows[0]!.changes as { idNumber: string }).idNumber), 'each asked form is audited as the one number it is')
})

t.test('GIRLS_PRIORITY, an entitlement with no application, answers from the rules today', async (t) => {
  await setClock('2010-06-01')
  const household = await api.call(admin, 'POST', '/v1/households', {
    regionCode: world.villageA, hukouType: 'agricultural', address: '女孩户',
    members: [
      { name: '陈父', idNumber: idNumberFor('1970-01-01', 'male', 41), sex: 'male', birthDate: '1970-01-01', relationship: 'head' },
      { name: '陈母', idNumber: idNumberFor('1972-01-01', 'female', 41), sex: 'female', birthDate: '1972-01-01', relationship: 'spouse' },
      { name: '陈大女', idNumber: idNumberFor('1995-03-03', 'female', 41), sex: 'female', birthDate: '1995-03-03', relationship: 'child' },
      { name: '陈小女', idNumber: idNumberFor('1998-03-03', 'female', 42), sex: 'female', birthDate: '1998-03-03', relationship: 'child' },
    ],
  })
  t.equal(household.status, 201)
  const daughter = idNumberFor('1998-03-03', 'female', 42)
  const evaluation = await api.call(confirmer.token, 'POST', '/v1/eligibility/evaluations', { programCode: 'GIRLS_PRIORITY', personId: household.body.members[3].id })
  const answer = await ask(partnerToken, daughter, 'GIRLS_PRIORITY')
  t.equal(answer.body.qualified, true, 'a rural daughters-only household practising family planning qualifies (DESIGN §1)')
  t.equal(evaluation.body.eligible, true, 'as the evaluator says today')
  t.equal(answer.body.validUntil, '2010-06-01', 'an answer from the rules holds for the day')
  const mixed = await api.call(admin, 'POST', '/v1/households', {
    regionCode: world.villageA, hukouType: 'agricultural', address: '儿女户',
    members: [
      { name: '刘父', idNumber: idNumberFor('1970-01-01', 'male', 43), sex: 'male', birthDate: '1970-01-01', relationship: 'head' },
      { name: '刘母', idNumber: idNumberFor('1972-01-01', 'female', 43), sex: 'female', birthDate: '1972-01-01', relationship: 'spouse' },
      { name: '刘子', idNumber: idNumberFor('1995-03-03', 'male', 43), sex: 'male', birthDate: '1995-03-03', relationship: 'child' },
      { name: '刘女', idNumber: idNumberFor('1998-03-03', 'female', 44), sex: 'female', birthDate: '1998-03-03', relationship: 'child' },
    ],
  })
  t.equal(mixed.status, 201)
  t.equal((await ask(partnerToken, idNumberFor('1998-03-03', 'female', 44), 'GIRLS_PRIORITY')).body.qualified, false,
    'a son and a daughter in a household with no only-child certificate: neither only-child nor daughters-only')
})

t.test('a partner is held to the rate it was registered with', async (t) => {
  const slow = await api.call(admin, 'POST', '/v1/partners', { name: '区农业局', department: '农业局', programs: ['RURAL_REWARD'], rateLimitPerMinute: 3 })
  const token = (await api.call(admin, 'POST', `/v1/partners/${slow.body.id}/tokens`, {})).body.token as string
  const statuses: number[] = []
  let refused: { headers: Record<string, unknown>, body: { code: string } } | undefined
  for (let attempt = 0; attempt < 5; attempt++) {
    const answer = await ask(token, idNumberFor('1950-02-03', 'female', 78), 'RURAL_REWARD', '良种补贴审核')
    statuses.push(answer.status)
    if (answer.status === 429) refused = answer
  }
  t.same(statuses, [200, 200, 200, 429, 429], 'three a minute, as registered')
  t.equal(refused?.body.code, 'rate_limited')
  t.ok(Number(refused?.headers['retry-after']) > 0, 'with Retry-After')
  const audited = await world.database.db.selectFrom('audit_events').select('entity_id').where('entity_type', '=', 'verification')
    .where('actor_name', '=', '区农业局').execute()
  t.equal(audited.length, 3, 'the refused questions were never asked: only the three answered are audited')
})
