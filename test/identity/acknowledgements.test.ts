import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { acknowledgingTogether } from '../../src/domain/identity/acknowledgements.js'
import { regionWorld, serverUrl } from '../helper.js'

const turn = () => new Promise((resolve) => setImmediate(resolve))

t.test('announcements heard in one turn are acknowledged in one call, in the order heard', async (t) => {
  const sent: string[][] = []
  const acknowledge = acknowledgingTogether(async (payloads) => { sent.push(payloads) })
  const first = Array.from({ length: 1000 }, (_, n) => `token-${n}`)
  for (const payload of first) acknowledge(payload)
  t.same(sent, [], 'nothing is sent while the turn lasts')
  await turn()
  t.same(sent, [first], 'a thousand announcements, one call')
  acknowledge('later')
  await turn()
  t.same(sent, [first, ['later']], 'one heard in a later turn goes in a call of its own')
})

t.test('10,000 tokens revoked in one statement: each change is acknowledged, the instance answering meanwhile', { skip: serverUrl ? false : 'announcements are PostgreSQL\'s' }, async (t) => {
  const world = await regionWorld(t)
  const clerk = await world.officer(['registrar'], world.villageA, '甲村文书')
  const ids: string[] = Array.from({ length: 10_000 }, () => randomUUID())
  const revoked = new Set(ids)
  await sql`
    insert into api_tokens (id, officer_id, token_hash, expires_at, status)
    select id, ${clerk.id}::uuid, decode(md5(id::text) || md5(id::text || 'x'), 'hex'), now() + interval '1 year', 'active'
      from unnest(${ids}::uuid[]) as id
  `.execute(world.database.db)
  const heard = new Set<string>()
  let allHeard = () => {}
  const everyOne = new Promise<void>((resolve) => { allHeard = resolve })
  const listening = await world.database.listen(['huimin_tokens_heard'], (_channel, payload) => {
    if (revoked.has(payload)) heard.add(payload)
    if (heard.size === ids.length) allHeard()
  }, () => {})
  t.teardown(() => listening.close())

  await sql`update api_tokens set status = 'revoked', revoked_at = now() where id = any(${ids}::uuid[])`.execute(world.database.db)
  const answer = await world.api.call(clerk.token, 'GET', `/v1/regions/${world.villageA}`)
  t.equal(answer.status, 200, 'a request right after is answered')
  await everyOne
  t.equal(heard.size, 10_000, 'every revocation acknowledged')
})
