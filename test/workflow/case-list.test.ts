import t from 'tap'
import { checkTrail } from './trail.js'
import { workflowWorld } from './world.js'

const world = await workflowWorld(t)
const { api, registrar, confirmer, elderlyCouple, register, step } = world

const byId = (ids: string[]) => [...ids].sort()
const idsOf = (items: Array<{ id: string }>) => items.map((item) => item.id)

// Village A: four heads with a case each, and one head whose first case was withdrawn and who registered again.
// Village B: two heads, registered by its own registrar.
const villageA = [] as string[]
const villageB = [] as string[]
let twice = ''
let withdrawn = ''
let again = ''
t.before(async () => {
  for (let index = 0; index < 4; index++) villageA.push(await register((await elderlyCouple()).head))
  twice = (await elderlyCouple()).head
  withdrawn = await register(twice)
  if ((await step(registrar, withdrawn, 'withdraw')).body.status !== 'withdrawn') throw new Error('withdraw')
  again = await register(twice)
  villageA.push(withdrawn, again)
  const registrarB = await world.officer(['registrar'], world.villageB, '乙村登记')
  for (let index = 0; index < 2; index++) {
    const head = (await elderlyCouple(world.villageB)).head
    villageB.push((await api.call(registrarB.token, 'POST', '/v1/cases', { programCode: 'RURAL_REWARD', personId: head })).body.id)
  }
})

t.test('GET /v1/cases?region= lists the cases of households in that region\'s subtree, within the caller\'s', async (t) => {
  const inB = await api.call(confirmer.token, 'GET', `/v1/cases?region=${world.villageB}`)
  t.equal(inB.status, 200)
  t.same(idsOf(inB.body.items), byId(villageB), 'village B\'s two cases, in id order')
  t.ok(inB.body.items.every((item: { regionCode: string }) => item.regionCode === world.villageB))
  t.equal(inB.body.nextCursor, null)
  t.same(idsOf((await api.call(confirmer.token, 'GET', `/v1/cases?region=${world.townA}`)).body.items), byId(villageA), 'township A\'s subtree is village A')
  t.same(idsOf((await api.call(confirmer.token, 'GET', '/v1/cases')).body.items), byId([...villageA, ...villageB]), 'no region: the caller\'s whole region')
  t.same(idsOf((await api.call(registrar.token, 'GET', '/v1/cases')).body.items), byId(villageA), 'a village registrar sees the village')

  const outside = await api.call(registrar.token, 'GET', `/v1/cases?region=${world.villageB}`)
  t.match([outside.status, outside.body.code], [404, 'region_not_found'], 'a region outside the caller\'s is not found')
})

t.test('GET /v1/cases?personId= lists the subject\'s cases, closed ones included, and nobody else\'s', async (t) => {
  const mine = await api.call(confirmer.token, 'GET', `/v1/cases?personId=${twice}`)
  t.same(idsOf(mine.body.items), byId([withdrawn, again]))
  t.same(mine.body.items.map((item: { id: string, status: string }) => [item.id === again, item.status]).sort(), [[false, 'withdrawn'], [true, 'registered']])
  t.ok(mine.body.items.every((item: { personId: string }) => item.personId === twice))
  t.same(idsOf((await api.call(confirmer.token, 'GET', `/v1/cases?personId=${twice}&status=registered`)).body.items), [again], 'with a state too')

  const headB = (await api.call(confirmer.token, 'GET', `/v1/cases/${villageB[0]}`)).body.personId
  t.equal((await api.call(confirmer.token, 'GET', `/v1/cases?personId=${headB}`)).body.items.length, 1)
  t.same((await api.call(registrar.token, 'GET', `/v1/cases?personId=${headB}`)).body.items, [], 'a subject outside the caller\'s region has no cases for it')
})

t.test('GET /v1/cases pages with an opaque cursor: every case once, none twice', async (t) => {
  const pages = [] as string[][]
  let cursor: string | null = null
  do {
    const page: { status: number, body: { items: Array<{ id: string }>, nextCursor: string | null } } =
      await api.call(confirmer.token, 'GET', `/v1/cases?region=${world.villageA}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(page.status, 200)
    pages.push(idsOf(page.body.items))
    cursor = page.body.nextCursor
  } while (cursor !== null && pages.length < 10)
  t.same(pages.map((page) => page.length), [2, 2, 2], 'six cases in three pages of two; the last says there is no more')
  t.same(pages.flat(), byId(villageA), 'all found, in order, with no overlap')

  const bad = await api.call(confirmer.token, 'GET', '/v1/cases?cursor=bm90LWEtY3Vyc29y')
  t.match([bad.status, bad.body.code], [400, 'invalid_cursor'])
  t.equal((await api.call(confirmer.token, 'GET', '/v1/cases?limit=501')).status, 400, 'the limit is capped')
})

t.test('every step taken in this file has exactly one audit row, and the trail verifies', (t) => checkTrail(t, world.database.db))
