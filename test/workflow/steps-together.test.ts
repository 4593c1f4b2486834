import t from 'tap'
import { serverUrl } from '../helper.js'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, elderlyCouple, register, step, investigator, reviewer, registrar } = world

/**
 * Steps asked at the same moment are taken together, in one transaction (DESIGN §4 and
 * §7 as before: each step checked in order with its own officer, its own audit row and
 * timeline entry). Here twenty-three at once: ten investigations, one of them asked
 * twice, a review of a case not yet investigated, a registrar's investigation, an
 * investigation of a case in another village, and nine reviews racing their cases'
 * investigations.
 */
t.test('steps asked at once are each checked and written as if alone, in fewer commits', async (t) => {
  const cases: string[] = []
  for (let n = 0; n < 12; n++) cases.push(await register((await elderlyCouple()).head))
  const registrarB = await world.officer(['registrar'], world.villageB, '孙登记')
  const elsewhere = (await api.call(registrarB.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: (await elderlyCouple(world.villageB)).head })).body.id as string

  const asked = [
    ...cases.slice(0, 10).map((id) => ({ officer: investigator, id, action: 'investigate', expect: 200 })),
    { officer: investigator, id: cases[0]!, action: 'investigate', expect: 'once' },
    { officer: reviewer, id: cases[10]!, action: 'review', expect: 409 },
    { officer: registrar, id: cases[11]!, action: 'investigate', expect: 403 },
    { officer: investigator, id: elsewhere, action: 'investigate', expect: 404 },
    ...cases.slice(1, 10).map((id) => ({ officer: reviewer, id, action: 'review', expect: 'after' })),
  ]
  const answers = await Promise.all(asked.map((each) => step(each.officer, each.id, each.action, { findings: `第${each.id.slice(0, 4)}号` })))

  const investigated = answers.filter((answer, n) => asked[n]!.action === 'investigate' && answer.status === 200)
  t.equal(investigated.length, 10, 'case 0 investigated once, and nine others')
  const twice = [answers[0]!, answers[10]!].map((answer) => answer.status).sort()
  t.same(twice, [200, 409], 'of the two investigations of case 0, the second finds it under notice')
  for (const answer of investigated) {
    t.match(answer.body, { status: 'village_notice', notice: { level: 'village' } })
    t.match(answer.body.timeline.map((entry: { action: string }) => entry.action), ['register', 'investigate', 'open_village_notice'])
    t.match(answer.body.timeline[1], { actor: { kind: 'officer', name: '李调查', role: 'investigator' } })
    t.equal(answer.body.timeline[1].findings, `第${(answer.body.id as string).slice(0, 4)}号`, 'each investigation keeps its own findings')
  }
  t.match(answers[11], { status: 409, body: { code: 'transition_not_allowed' } }, 'a review of a registered case is refused')
  t.match(answers[12], { status: 403, body: { code: 'role_forbidden' } }, 'a registrar does not investigate')
  t.match(answers[13], { status: 404 }, 'a case in another village is not there for village A')
  // A review asked with its case's investigation may come before it (refused: the case is
  // still registered) or after it (refused: the village notice is running); never taken.
  for (const answer of answers.slice(14)) t.equal(answer.status, 409, 'a review during the investigation or its notice is refused')

  for (const id of [cases[10]!, cases[11]!, elsewhere]) {
    const audited = await world.auditOf(id)
    t.same(audited.map((row) => row.action), ['register'], 'a refused step wrote nothing')
  }
  const rows = await world.auditOf(cases[0]!)
  t.same(rows.map((row) => row.action), ['register', 'investigate', 'open_village_notice'], 'case 0: one investigation, one notice')
  // Steps taken in one statement still name each its own request, as does the notice each posted.
  const requests = await world.database.db.selectFrom('audit_events').select(['entity_id', 'action', 'request_id', 'changes'])
    .where('entity_type', '=', 'case').where('action', 'in', ['investigate', 'open_village_notice']).where('entity_id', 'in', cases.slice(0, 10)).execute()
  const investigations = requests.filter((row) => row.action === 'investigate')
  t.equal(new Set(investigations.map((row) => row.request_id)).size, 10, 'ten investigations, ten requests')
  t.ok(investigations.every((row) => row.request_id), 'each names one')
  t.ok(investigations.every((row) => (row.changes as { findings?: string }).findings === `第${row.entity_id.slice(0, 4)}号`), 'and its audit row its own findings')
  for (const row of investigations) {
    t.equal(requests.find((each) => each.action === 'open_village_notice' && each.entity_id === row.entity_id)?.request_id, row.request_id, 'its notice names the same request')
  }
  const txids = await world.database.db.selectFrom('audit_events').select('txid').distinct()
    .where('entity_type', '=', 'case').where('action', '=', 'investigate').execute()
  // On the embedded engine the requests' own reads before their steps share its one
  // session, so the steps arrive one by one and there is nothing to group.
  if (serverUrl) t.ok(txids.length < 10, `ten investigations in fewer commits (${txids.length})`)
  await checkTrail(t, world.database.db)
})
