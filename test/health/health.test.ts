import t from 'tap'
import { build } from '../../src/app.js'
import { openDatabase } from '../../src/db/database.js'
import { buildApp, serverUrl, testConfig, testDatabase } from '../helper.js'
import { TcpProxy } from '../tcp-proxy.js'

t.test('liveness and readiness answer 200 on a working service', async (t) => {
  const { app, database } = await buildApp(t)
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'live' })
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', engine: database.engine })
})

t.test('readiness is 503 while the database does not answer and 200 again once it does', async (t) => {
  const readiness = async (app: Awaited<ReturnType<typeof build>>) => app.inject({ method: 'GET', url: '/health/ready' })

  if (serverUrl) {
    // The server's connections run through a relay that the test cuts and restores.
    const { url } = await testDatabase(t)
    const target = new URL(url!)
    const proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) }).start()
    t.teardown(() => proxy.cut())
    target.host = `127.0.0.1:${proxy.port}`
    const database = await openDatabase({ url: target.toString(), poolSize: 2 })
    const app = await build({ config: testConfig(), database })
    t.teardown(() => app.close())

    t.equal((await readiness(app)).statusCode, 200, 'ready through the relay')
    await proxy.cut()
    const down = await readiness(app)
    t.equal(down.statusCode, 503, 'not ready while the database is unreachable')
    t.equal(down.json().code, 'database_unreachable')
    await proxy.start()
    t.equal((await readiness(app)).statusCode, 200, 'ready again, same process, same pool')
  } else {
    // The embedded engine is one session: while a transaction holds it, nothing else is answered.
    const { app, database } = await buildApp(t)
    t.equal((await readiness(app)).statusCode, 200)
    let finish!: () => void
    const held = new Promise<void>((resolve) => { finish = resolve })
    const transaction = database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('regions').select('code').execute()
      await held
    })
    const down = await readiness(app)
    t.equal(down.statusCode, 503, 'not ready while the engine does not answer')
    t.equal(down.json().code, 'database_unreachable')
    finish()
    await transaction
    t.equal((await readiness(app)).statusCode, 200, 'ready again, same process')
  }
})
