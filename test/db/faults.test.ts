import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { build } from '../../src/app.js'
import { openDatabase } from '../../src/db/database.js'
import { apiOf, districtAdmin, serverUrl, testConfig, testDatabase } from '../helper.js'
import { idNumberFor } from '../registry/people.js'
import { TcpProxy } from '../tcp-proxy.js'

/**
 * The database misbehaving under load, on PostgreSQL (the embedded engine runs in the
 * process: it has no connection to lose). Connections killed every 200 ms while 20
 * connections write: no acknowledged write lost, no row without its audit row, no
 * 500 — a cut transaction is run again, and what cannot be is a 503. Then the network
 * to the server cut for 5 s: readiness and business routes answer 503, then serve.
 */
if (!serverUrl) {
  t.pass('faults are shown on PostgreSQL; the embedded engine runs in the process and has no connection to lose')
} else {
  const config = testConfig({ RATE_LIMIT_PER_TOKEN: '1000000' })
  const { url } = await testDatabase(t, config)
  const databaseName = new URL(url!).pathname.slice(1)

  const villageOf = async (admin: string, api: ReturnType<typeof apiOf>) => {
    const township = `${config.DISTRICT_CODE}.001`
    const village = `${township}.001`
    for (const [code, level] of [[township, 'township'], [village, 'village']] as const) {
      await api.call(admin, 'POST', '/v1/regions', { code, name: code, level, parentCode: code.slice(0, code.lastIndexOf('.')) })
    }
    const officer = await api.call(admin, 'POST', '/v1/officers', { name: '登记员', roles: ['registrar'], regionCode: village })
    return { village, registrar: (await api.call(admin, 'POST', `/v1/officers/${officer.body.id}/tokens`, {})).body.token as string }
  }

  /** A household of two, distinct for every n. */
  const household = (village: string, n: number) => {
    const day = (base: string) => new Date(Date.parse(base) + n * 86_400_000).toISOString().slice(0, 10)
    const [head, spouse] = [day('1930-01-01'), day('1932-01-01')]
    return {
      regionCode: village, hukouType: 'agricultural', address: `${n}号`,
      members: [
        { name: '王明', idNumber: idNumberFor(head, 'male', 7), sex: 'male', birthDate: head, relationship: 'head' },
        { name: '李芳', idNumber: idNumberFor(spouse, 'female', 7), sex: 'female', birthDate: spouse, relationship: 'spouse' },
      ],
    }
  }

  t.test('writes at 20 connections while backends are terminated every 200 ms', async (t) => {
    const database = await openDatabase({ url, poolSize: 20 })
    const app = await build({ config, database })
    t.teardown(() => app.close())
    const api = apiOf(app)
    const admin = await districtAdmin(database, config)
    const { village, registrar } = await villageOf(admin, api)

    const killer = new pg.Client({ connectionString: serverUrl })
    await killer.connect()
    t.teardown(() => killer.end())
    let killed = 0
    let killing = true
    const kills = (async () => {
      while (killing) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        const { rowCount } = await killer.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName])
        killed += rowCount ?? 0
      }
    })()

    const statuses = new Map<number, number>()
    const acknowledged: string[] = []
    let next = 0
    const until = Date.now() + 8000
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (Date.now() < until && next < 4000) {
        const response = await app.inject({
          method: 'POST', url: '/v1/households', payload: household(village, next++),
          headers: { authorization: `Bearer ${registrar}` },
        })
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
        if (response.statusCode === 201) acknowledged.push(response.json().id)
        if (response.statusCode === 503) t.equal(response.headers['retry-after'], '5', 'a 503 says when to try again')
      }
    }))
    killing = false
    await kills
    // The last round may have ended idle connections whose end the pool has yet to hear of.
    await new Promise((resolve) => setTimeout(resolve, 500))

    const counts = Object.fromEntries(statuses)
    t.comment(`${next} writes, ${killed} backends terminated: ${JSON.stringify(counts)}`)
    t.ok(killed >= 20, `${killed} backends were terminated`)
    // How many get through depends on how fast the machine answers between two kills; the
    // guarantee is that none of those acknowledged is lost.
    t.ok(acknowledged.length > 0, `${acknowledged.length} writes acknowledged`)
    t.same([...statuses.keys()].filter((status) => status !== 201 && status !== 503), [], 'every answer was 201 or 503: no 500')

    const db = database.db
    const found = await db.selectFrom('households').select('id').where('id', 'in', acknowledged).execute()
    t.equal(found.length, acknowledged.length, '0 acknowledged writes missing')
    const members = await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).where('household_id', 'in', acknowledged).executeTakeFirstOrThrow()
    t.equal(Number(members.n), acknowledged.length * 2, 'each with both its members')
    const unaudited = await sql<{ households: number, persons: number }>`
      select (select count(*)::int from households h where not exists (
                select 1 from audit_events a where a.entity_type = 'household' and a.entity_id = h.id::text)) as households,
             (select count(*)::int from persons p where not exists (
                select 1 from audit_events a where a.entity_type = 'person' and a.entity_id = p.id::text)) as persons`.execute(db)
    t.same(unaudited.rows[0], { households: 0, persons: 0 }, '0 rows without their audit row')
  })

  t.test('the network to the server cut for 5 s: readiness and business routes 503, then served', async (t) => {
    const target = new URL(url!)
    const proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) }).start()
    t.teardown(() => proxy.cut())
    target.host = `127.0.0.1:${proxy.port}`
    const database = await openDatabase({ url: target.toString(), poolSize: 4 })
    const app = await build({ config, database })
    t.teardown(() => app.close())
    const api = apiOf(app)
    const admin = await districtAdmin(database, config)
    const ready = () => app.inject({ method: 'GET', url: '/health/ready' })
    const business = () => app.inject({ method: 'GET', url: '/v1/households', headers: { authorization: `Bearer ${admin}` } })
    const write = () => api.call(admin, 'POST', '/v1/regions', { code: `${config.DISTRICT_CODE}.009`, name: '新镇', level: 'township', parentCode: config.DISTRICT_CODE })

    t.equal((await ready()).statusCode, 200)
    t.equal((await business()).statusCode, 200)
    await proxy.cut()
    const cutAt = Date.now()
    const during: number[] = []
    while (Date.now() - cutAt < 5000) {
      const [readiness, read, written] = await Promise.all([ready(), business(), write()])
      during.push(readiness.statusCode, read.statusCode, written.status)
      if (read.statusCode === 503) t.equal(read.json().code, 'database_unavailable')
      if (written.status === 503) t.equal(written.body.code, 'database_unavailable')
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    t.same([...new Set(during)], [503], `every answer during the cut was 503 (${during.length} answers)`)
    const refused = await business()
    t.match(refused.json(), { code: 'database_unavailable', status: 503 })
    t.equal(refused.headers['retry-after'], '5')
    t.match(refused.headers['content-type'], /^application\/problem\+json/)

    await proxy.start()
    t.equal((await ready()).statusCode, 200, 'ready again')
    t.equal((await business()).statusCode, 200, 'served again, same process, same pool')
    t.equal((await write()).status, 201, 'and written')
  })
}
