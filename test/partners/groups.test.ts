import t from 'tap'
import { verifyAuditTrail } from '../../src/domain/audit/verify.js'
import { idNumberFor } from '../registry/people.js'
import { workflowWorld } from '../workflow/world.js'

const world = await workflowWorld(t)
const { api, admin, elderlyCouple, register, walkToActive } = world

const partnerOf = async (name: string, regionCode?: string) => {
  const partner = await api.call(admin, 'POST', '/v1/partners', { name, department: '民政局', programs: ['RURAL_REWARD'], ...(regionCode ? { regionCode } : {}) })
  return { name, token: (await api.call(admin, 'POST', `/v1/partners/${partner.body.id}/tokens`, {})).body.token as string }
}

t.test('questions asked at the same moment are answered together, each as if alone, each audited as its own', async (t) => {
  const beneficiary = await elderlyCouple()
  t.equal((await walkToActive(await register(beneficiary.head))).status, 'active', 'the district notice ended on 2010-04-04: a beneficiary')
  const head = (await api.call(world.registrar.token, 'GET', `/v1/persons/${beneficiary.head}`)).body.idNumber as string
  const district = await partnerOf('区民政局')
  const elsewhere = await partnerOf('乙镇民政办', world.townB)
  const nobody = idNumberFor('1950-02-03', 'female', 77)

  // Forty questions at once: the district's partner asks about the holder (qualified), the
  // township B partner about the same holder (outside its region: not qualified), and both
  // about nobody; each with its own purpose.
  const asked = Array.from({ length: 40 }, (_, n) => ({
    partner: n % 2 === 0 ? district : elsewhere,
    idNumber: n % 4 < 2 ? head : nobody,
    purpose: `核查第${n}号`,
  }))
  const answers = await Promise.all(asked.map((each) =>
    api.call(each.partner.token, 'GET', `/v1/verifications?idNumber=${each.idNumber}&benefit=RURAL_REWARD&purpose=${encodeURIComponent(each.purpose)}`)))
  for (const [n, answer] of answers.entries()) {
    const qualified = asked[n]!.partner === district && asked[n]!.idNumber === head
    t.equal(answer.status, 200)
    t.match(answer.body, { benefit: 'RURAL_REWARD', qualified, validUntil: qualified ? '2010-12-31' : '2010-04-05' }, `question ${n}`)
  }
  t.equal(new Set(answers.map((answer) => answer.body.reference)).size, 40, 'forty references')

  const rows = await world.database.db.selectFrom('audit_events').selectAll().where('entity_type', '=', 'verification').orderBy('seq').execute()
  t.equal(rows.length, 40, 'one audit row a question')
  const byReference = new Map(rows.map((row) => [row.entity_id, row]))
  for (const [n, answer] of answers.entries()) {
    const row = byReference.get(answer.body.reference as string)
    t.match(row, {
      action: 'verify', actor_kind: 'partner', actor_name: asked[n]!.partner.name, actor_role: 'partner', reason: asked[n]!.purpose,
      changes: { partner: asked[n]!.partner.name, benefit: 'RURAL_REWARD', qualified: answer.body.qualified, validUntil: answer.body.validUntil },
    }, `question ${n}'s audit row names its partner, purpose and answer`)
  }
  t.equal(new Set(rows.map((row) => row.request_id)).size, 40, 'each row keeps its own request')
  t.equal(new Set(rows.map((row) => row.region_code)).size, 2, 'and its partner\'s region')
  const stored = await world.database.db.selectFrom('verifications').select(['reference', 'qualified', 'purpose']).execute()
  t.same(new Map(stored.map((row) => [row.reference, [row.qualified, row.purpose]])),
    new Map(answers.map((answer, n) => [answer.body.reference, [answer.body.qualified, asked[n]!.purpose]])), 'every verification as answered')
  t.ok(new Set(rows.map((row) => row.txid)).size < 40, `answered in fewer commits than questions (${new Set(rows.map((row) => row.txid)).size})`)
  t.ok((await verifyAuditTrail(world.database.db)).valid, 'and the trail verifies')
})
