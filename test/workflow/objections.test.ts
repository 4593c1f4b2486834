import t from 'tap'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, admin, registrar, investigator, reviewer, confirmer, setClock, elderlyCouple, register, step, auditOf } = world

t.test('an officer\'s objection upheld rejects the case; a public objection dismissed lets it go on', async (t) => {
  const first = await register((await elderlyCouple()).head)
  const second = await register((await elderlyCouple()).head)
  for (const id of [first, second]) t.equal((await step(investigator, id, 'investigate')).body.status, 'village_notice')

  const logged = await api.call(registrar.token, 'POST', `/v1/cases/${first}/objections`, {
    channel: 'walk_in', receivedAt: 'hamlet', content: '申请人另有一子在外地', contact: '13800000000',
  })
  t.equal(logged.status, 201)
  t.match(logged.body, { caseId: first, status: 'open', source: 'officer', channel: 'walk_in', receivedAt: 'hamlet' })
  t.notOk('contact' in logged.body, 'a registrar does not see how to reach whoever objected')
  t.equal((await api.call(reviewer.token, 'GET', `/v1/objections/${logged.body.id}`)).body.contact, '13800000000', 'the reviewer deciding it does')

  const notice = (await api.call(registrar.token, 'GET', `/v1/cases/${second}`)).body.notice
  const filed = await world.app.inject({ method: 'POST', url: `/public/notices/${notice.id}/objections`, payload: { content: '此人不在本村居住' } })
  t.equal(filed.statusCode, 201)
  t.same(Object.keys(filed.json()).sort(), ['id', 'receivedOn', 'status'], 'the public gets a receipt, nothing about the case')
  const publicObjection = (await api.call(reviewer.token, 'GET', `/v1/objections/${filed.json().id}`)).body
  t.match(publicObjection, { caseId: second, noticeId: notice.id, source: 'public', channel: 'online', receivedAt: 'village', status: 'open' })

  const investigating = await api.call(confirmer.token, 'POST', `/v1/objections/${logged.body.id}/transitions`, { action: 'investigate', reason: '派员核查' })
  t.equal(investigating.body.status, 'investigating')
  t.equal((await api.call(registrar.token, 'POST', `/v1/objections/${logged.body.id}/transitions`, { action: 'uphold', reason: 'x' })).body.code, 'role_forbidden')
  const upheld = await api.call(reviewer.token, 'POST', `/v1/objections/${logged.body.id}/transitions`, { action: 'uphold', reason: '核实另有一子' })
  t.match(upheld.body, { status: 'upheld', decidedAt: /^2010-03-15/ })
  const rejected = await api.call(reviewer.token, 'GET', `/v1/cases/${first}`)
  t.equal(rejected.body.status, 'rejected', 'the upheld objection rejected the case')
  t.match(rejected.body.timeline.at(-1), { action: 'reject', actor: { kind: 'system' }, reason: `objection ${logged.body.id} upheld` })
  t.notOk('notice' in rejected.body, 'its notice is taken down')

  await setClock('2010-03-22')
  t.equal((await step(reviewer, second, 'review')).body.code, 'objection_open')
  t.equal((await api.call(reviewer.token, 'POST', `/v1/objections/${filed.json().id}/transitions`, { action: 'dismiss', reason: '经核实常住本村' })).body.status, 'dismissed')
  t.equal((await step(reviewer, second, 'review')).body.status, 'township_notice')

  const objectionRows = await world.database.db.selectFrom('audit_events').select(['action', 'from_status', 'to_status', 'actor_name', 'actor_role'])
    .where('entity_type', '=', 'objection').where('entity_id', '=', logged.body.id).orderBy('seq').execute()
  t.same(objectionRows.map((row) => [row.action, row.from_status, row.to_status, row.actor_name, row.actor_role]), [
    ['create', null, 'open', '王登记', 'registrar'],
    ['investigate', 'open', 'investigating', '钱确认', 'confirmer'],
    ['uphold', 'investigating', 'upheld', '赵审核', 'reviewer'],
  ], 'each step of the objection has its audit row and responsible officer')
  const publicRow = await world.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', filed.json().id).orderBy('seq').executeTakeFirstOrThrow()
  t.match(publicRow, { action: 'create', actor_kind: 'system', actor_name: 'the public', to_status: 'open' })
  t.same((await auditOf(first)).map((row) => row.action), ['register', 'investigate', 'open_village_notice', 'reject'])

  const list = await api.call(reviewer.token, 'GET', `/v1/objections?caseId=${second}`)
  t.same(list.body.items.map((item: { id: string }) => item.id), [filed.json().id])
  const closed = await api.call(registrar.token, 'POST', `/v1/cases/${first}/objections`, { channel: 'letter', receivedAt: 'village', content: '再次举报' })
  t.match([closed.status, closed.body.code], [409, 'case_closed'])
  const outside = await world.officer(['registrar'], world.villageB, '乙村登记')
  t.equal((await api.call(outside.token, 'POST', `/v1/cases/${second}/objections`, { channel: 'letter', receivedAt: 'village', content: '举报' })).status, 404)
  t.equal((await api.call(admin, 'GET', `/v1/objections/${logged.body.id}`)).status, 200)
})

t.test('the public board shows the cases under notice, masked, with the report lines, and nothing more', async (t) => {
  await api.call(admin, 'PATCH', `/v1/regions/${world.villageA}`, { reportPhone: '027-1111 0001' })
  const read = async (code: string) => world.app.inject({ method: 'GET', url: `/v1/regions/${code}`, headers: { authorization: `Bearer ${admin}` } })
  for (const [code, phone] of [[world.villageA, '027-1111 0001'], [world.townA, '027-2222 0002'], [world.district, '027-3333 0003']] as const) {
    const current = await read(code)
    const patched = await world.app.inject({
      method: 'PATCH', url: `/v1/regions/${code}`, payload: { reportPhone: phone },
      headers: { authorization: `Bearer ${admin}`, 'if-match': current.headers.etag as string },
    })
    t.equal(patched.statusCode, 200, `report line of ${code}`)
  }
  const couple = await elderlyCouple()
  const id = await register(couple.head)
  await step(investigator, id, 'investigate')
  const board = await world.app.inject({ method: 'GET', url: `/public/notices?region=${world.townA}` })
  t.equal(board.statusCode, 200)
  const noticeId = (await api.call(admin, 'GET', `/v1/cases/${id}`)).body.notice.id
  const item = board.json().items.find((each: { id: string }) => each.id === noticeId)
  t.ok(item, 'the case\'s notice is on the township\'s board')
  t.match(item, {
    programCode: 'RURAL_REWARD', programName: '农村部分计划生育家庭奖励扶助', name: '张*', idNumber: /^420102\*{8}\d{3}[\dX]$/,
    village: '甲村', level: 'village', startsOn: '2010-03-22', endsOn: '2010-03-28',
  })
  t.same(item.reportLines, [
    { level: 'village', regionName: '甲村', phone: '027-1111 0001' },
    { level: 'township', regionName: '甲镇', phone: '027-2222 0002' },
    { level: 'district', regionName: '江岸区', phone: '027-3333 0003' },
  ])
  t.same(Object.keys(item).sort(), ['endsOn', 'id', 'idNumber', 'level', 'name', 'programCode', 'programName', 'reportLines', 'startsOn', 'village'])
  const text = board.body
  t.notOk(text.includes(couple.head) || text.includes(couple.household), 'no person or household id')
  const whole = (await api.call(registrar.token, 'GET', `/v1/persons/${couple.head}`)).body.idNumber
  t.notOk(text.includes(whole), 'no whole ID number')

  const html = await world.app.inject({ method: 'GET', url: `/public/notices?region=${world.townA}`, headers: { accept: 'text/html' } })
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.body, /公示/)
  t.match(html.body, /张\*/)
  t.match(html.body, /027-2222 0002/)
  t.notOk(html.body.includes(whole) || html.body.includes(couple.head))
  t.equal((await world.app.inject({ method: 'GET', url: `/public/notices?region=${world.townA}&format=html` })).headers['content-type'], 'text/html; charset=utf-8')
  t.equal((await world.app.inject({ method: 'GET', url: `/public/notices?region=${world.townB}` })).json().items.length, 0, 'township B has none')
  t.equal((await world.app.inject({ method: 'GET', url: '/public/notices?region=420102.999' })).statusCode, 404)
})

t.test('the public objects only while a notice is posted, and only so often', async (t) => {
  const id = await register((await elderlyCouple()).head)
  await step(investigator, id, 'investigate')
  const notice = (await api.call(admin, 'GET', `/v1/cases/${id}`)).body.notice
  const statuses: number[] = []
  for (let attempt = 0; attempt < 7; attempt++) {
    const answer = await world.app.inject({ method: 'POST', url: `/public/notices/${notice.id}/objections`, payload: { content: `第${attempt}次` }, remoteAddress: '10.9.8.7' })
    statuses.push(answer.statusCode)
    if (answer.statusCode === 429) {
      t.ok(Number(answer.headers['retry-after']) > 0, 'with Retry-After')
      t.equal(answer.json().code, 'rate_limited')
    }
  }
  t.same(statuses, [201, 201, 201, 201, 201, 429, 429], 'five a minute from one address')
  const long = await world.app.inject({ method: 'POST', url: `/public/notices/${notice.id}/objections`, payload: { content: '长'.repeat(4001) }, remoteAddress: '10.9.8.6' })
  t.equal(long.statusCode, 400, 'content is length-limited')
  await setClock('2010-04-30')
  const late = await world.app.inject({ method: 'POST', url: `/public/notices/${notice.id}/objections`, payload: { content: '迟到' }, remoteAddress: '10.9.8.5' })
  t.equal(late.statusCode, 404)
  t.equal(late.json().code, 'notice_not_found', 'an ended notice takes no objection')
})
