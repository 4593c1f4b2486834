import { spawnSync } from 'node:child_process'
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { serverUrl } from '../helper.js'
import { runCli } from '../run-cli.js'
import { startServer } from './start.js'

// The lock belongs to the embedded engine's data directory; PostgreSQL needs none.
const skip = serverUrl ? 'PostgreSQL needs no lock: the lock is the embedded engine\'s' : false

const scratch = async (t: Test) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'huimin-one-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const exists = (file: string) => access(file).then(() => true, () => false)

t.test('one process holds an embedded database: a second server and the writing commands are refused at once, naming it', { skip }, async (t) => {
  const dataDir = await scratch(t)
  const first = await startServer({ DATA_DIR: dataDir }, async (address, child, stdout) => {
    const port = new URL(address).port
    const adminToken = /shown only this once.*\n(hm_[A-Za-z0-9_-]{43})\n/.exec(stdout)![1]!
    const lock = JSON.parse(await readFile(path.join(dataDir, 'huimin.lock'), 'utf8')) as { pid: number, port: number }
    t.match(lock, { pid: child.pid, port: Number(port), command: 'huimin server' }, 'the lock names the holder and the port it listens on')

    const second = await startServer({ DATA_DIR: dataDir, PORT: '0' })
    t.not(second.code, 0, 'a second server on the same DATA_DIR exits non-zero')
    t.same(second.stderr.trim().split('\n'), [
      `huimin: cannot start: the embedded database in ${dataDir} is in use by huimin server (pid ${child.pid}, port ${port}); stop it first, or give this one another DATA_DIR`,
    ], 'with one line naming the holder\'s pid and port')
    t.notMatch(second.stdout, /API reference/, 'it never serves')
    t.ok(second.ms < 30000, `it stops at once (${second.ms} ms, on a loaded machine)`)

    for (const command of [['create-admin', '--name', '王五'], ['verify-audit'], ['migrate']]) {
      const run = await runCli({ DATA_DIR: dataDir }, ...command)
      t.equal(run.code, 3, `${command[0]} beside the service exits 3`)
      t.match(run.stderr, new RegExp(`^huimin: the embedded database in ${dataDir} is in use by huimin server \\(pid ${child.pid}, port ${port}\\); `), `${command[0]} says who holds it`)
      t.equal(run.stdout, '', 'and prints no token or result')
    }

    // Given an administrator's token, they go through the running service instead.
    const created = await runCli({ DATA_DIR: dataDir, HUIMIN_TOKEN: adminToken }, 'create-admin', '--name', '王五')
    t.equal(created.code, 0, created.stderr)
    const token = created.stdout.trim().split('\n').at(-1)!
    t.match(token, /^hm_[A-Za-z0-9_-]{43}$/)
    const officers = await fetch(`${address}/v1/officers`, { headers: { authorization: `Bearer ${token}` } })
    t.equal(officers.status, 200, 'the running service knows the new administrator\'s token')
    const listed = ((await officers.json()) as { items: Array<{ name: string }> }).items
    t.match(listed.sort((a, b) => a.name.localeCompare(b.name, 'en')), [{ name: 'Administrator' }, { name: '王五', roles: ['admin'] }], 'both administrators, in any order')
    const verified = await runCli({ DATA_DIR: dataDir, HUIMIN_TOKEN: token }, 'verify-audit')
    t.equal(verified.code, 0, verified.stderr)
    t.match(verified.stdout, /valid: nothing was altered or removed/)
  })
  t.equal(first.code, 0, first.stderr)
  t.notOk(await exists(path.join(dataDir, 'huimin.lock')), 'a clean exit removes the lock')

  // After the restart the administrator made through the service is still there.
  const again = await runCli({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, 'verify-audit')
  t.equal(again.code, 0, again.stderr)
})

t.test('a lock left by a process that is gone is taken over', { skip }, async (t) => {
  const dataDir = await scratch(t)
  const gone = spawnSync(process.execPath, ['-e', '']).pid!
  await writeFile(path.join(dataDir, 'huimin.lock'), JSON.stringify({ pid: gone, port: 3000, command: 'huimin server', host: 'x', since: '2026-01-01T00:00:00.000Z' }) + '\n')
  const run = await runCli({ DATA_DIR: dataDir }, 'create-admin', '--name', '李四')
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout.trim().split('\n').at(-1), /^hm_[A-Za-z0-9_-]{43}$/)
  t.notOk(await exists(path.join(dataDir, 'huimin.lock')), 'and released when the command is done')
})

t.test('npm start on a busy port fails at once with one line naming it, before it opens the database', { skip }, async (t) => {
  const dataDir = await scratch(t)
  const busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => busy.close(resolve)))
  const port = (busy.address() as AddressInfo).port
  const run = await startServer({ DATA_DIR: dataDir, PORT: String(port) })
  t.equal(run.code, 1)
  t.same(run.stderr.trim().split('\n'), [`huimin: cannot start: port ${port} on 127.0.0.1 is in use: stop what listens there, or set PORT`])
  t.notOk(await exists(path.join(dataDir, 'PG_VERSION')), 'the database was never opened')
  t.notOk(await exists(path.join(dataDir, 'huimin.lock')), 'nor the lock kept')
  t.ok(run.ms < 30000, `it stops at once (${run.ms} ms, on a loaded machine)`)
})
