import t, { type Test } from 'tap'
import { regionWorld } from '../helper.js'

const world = await regionWorld(t)
const { api, admin } = world

// An administrator and an auditor of township A, and things that live in township B.
const adminA = await world.officer(['admin'], world.townA, '甲镇管理员')
const auditorA = await world.officer(['auditor'], world.townA, '甲镇审计')
const officerB = await world.officer(['registrar'], world.villageB, '乙村登记员')
const partnerB = await api.call(admin, 'POST', '/v1/partners', { name: '乙镇医保', department: '医保局', programs: ['GIRLS_PRIORITY'], regionCode: world.townB })
const partnerBToken = await api.call(admin, 'POST', `/v1/partners/${partnerB.body.id}/tokens`, {})

const notFound = (t: Test, response: { status: number, body: { code?: string } }, what: string) => {
  t.equal(response.status, 404, `${what}: 404`)
  t.match(response.body.code, /not_found$/, `${what}: a not-found problem, as if it did not exist`)
}

t.test('regions: an officer sees their subtree and nothing else', async (t) => {
  t.equal((await api.call(adminA.token, 'GET', `/v1/regions/${world.villageA}`)).status, 200)
  notFound(t, await api.call(adminA.token, 'GET', `/v1/regions/${world.townB}`), 'read a sibling township')
  notFound(t, await api.call(adminA.token, 'GET', `/v1/regions/${world.district}`), 'read the district above')
  notFound(t, await api.call(adminA.token, 'GET', `/v1/regions/${world.townB}/children`), 'list a sibling\'s children')
  notFound(t, await api.call(adminA.token, 'POST', '/v1/regions', { code: `${world.townB}.009`, name: '外村', level: 'village', parentCode: world.townB }), 'create under a sibling')
  const children = await api.call(admin, 'GET', `/v1/regions/${world.district}/children`)
  t.same(children.body.items.map((region: { code: string }) => region.code), [world.townA, world.townB], 'the district sees both')
})

t.test('regions: codes, levels and parents must agree', async (t) => {
  const level = await api.call(admin, 'POST', '/v1/regions', { code: `${world.townA}.002`, name: '丁村', level: 'hamlet', parentCode: world.townA })
  t.equal(level.status, 422)
  t.equal(level.body.code, 'region_level_mismatch')
  const parent = await api.call(admin, 'POST', '/v1/regions', { code: `${world.townA}.002`, name: '丁村', level: 'village', parentCode: world.townB })
  t.equal(parent.status, 422)
  t.equal(parent.body.code, 'region_parent_mismatch')
  const duplicate = await api.call(admin, 'POST', '/v1/regions', { code: world.villageA, name: '甲村', level: 'village', parentCode: world.townA })
  t.equal(duplicate.status, 409)
  t.equal(duplicate.body.code, 'region_exists')
})

t.test('regions: children page with a cursor', async (t) => {
  for (const n of ['003', '004', '005']) {
    await api.call(admin, 'POST', '/v1/regions', { code: `${world.townA}.${n}`, name: `村${n}`, level: 'village', parentCode: world.townA })
  }
  const first = await api.call(admin, 'GET', `/v1/regions/${world.townA}/children?limit=2`)
  t.equal(first.body.items.length, 2)
  t.type(first.body.nextCursor, 'string')
  const second = await api.call(admin, 'GET', `/v1/regions/${world.townA}/children?limit=2&cursor=${first.body.nextCursor}`)
  t.equal(second.body.nextCursor, null, 'the last page says so')
  const codes = [...first.body.items, ...second.body.items].map((region: { code: string }) => region.code)
  t.same(codes, [world.villageA, `${world.townA}.003`, `${world.townA}.004`, `${world.townA}.005`])
})

t.test('officers: reads and writes outside the region are 404', async (t) => {
  notFound(t, await api.call(adminA.token, 'GET', `/v1/officers/${officerB.id}`), 'read an officer of township B')
  notFound(t, await api.call(adminA.token, 'POST', '/v1/officers', { name: '越权', roles: ['registrar'], regionCode: world.villageB }), 'create an officer in township B')
  notFound(t, await api.call(adminA.token, 'GET', `/v1/officers?region=${world.townB}`), 'list township B')
  const listed = await api.call(auditorA.token, 'GET', '/v1/officers')
  t.equal(listed.status, 200)
  t.ok(listed.body.items.length >= 2)
  t.ok(listed.body.items.every((officer: { regionCode: string }) => officer.regionCode.startsWith(world.townA)), 'only township A\'s officers are listed')
})

t.test('partners: reads and writes outside the region are 404', async (t) => {
  notFound(t, await api.call(adminA.token, 'GET', `/v1/partners/${partnerB.body.id}`), 'read a partner of township B')
  notFound(t, await api.call(adminA.token, 'POST', '/v1/partners', { name: '越权', department: '民政局', programs: ['RURAL_REWARD'], regionCode: world.townB }), 'create a partner in township B')
})

t.test('tokens: issuing or revoking outside the region is 404', async (t) => {
  notFound(t, await api.call(adminA.token, 'POST', `/v1/officers/${officerB.id}/tokens`, {}), 'issue to an officer of township B')
  notFound(t, await api.call(adminA.token, 'POST', `/v1/partners/${partnerB.body.id}/tokens`, {}), 'issue to a partner of township B')
  notFound(t, await api.call(adminA.token, 'DELETE', `/v1/tokens/${officerB.tokenId}`), 'revoke a token of township B')
  notFound(t, await api.call(adminA.token, 'DELETE', `/v1/tokens/${partnerBToken.body.id}`), 'revoke a partner token of township B')
  t.equal((await api.call(officerB.token, 'GET', `/v1/regions/${world.villageB}`)).status, 200, 'the token still works')
})

t.test('audit: the trail of another region is not shown', async (t) => {
  notFound(t, await api.call(auditorA.token, 'GET', `/v1/audit-events?region=${world.townB}`), 'ask for township B\'s trail')
  const own = await api.call(auditorA.token, 'GET', '/v1/audit-events?limit=500')
  t.equal(own.status, 200)
  t.ok(own.body.items.length > 0)
  t.ok(own.body.items.every((event: { regionCode: string }) => event.regionCode.startsWith(world.townA)), 'only township A\'s rows')
  const aboutB = await api.call(auditorA.token, 'GET', `/v1/audit-events?entityId=${officerB.id}`)
  t.same(aboutB.body.items, [], 'a filter naming a thing of township B finds nothing')
})
