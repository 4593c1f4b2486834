import { spawn } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { serverUrl } from '../helper.js'

const root = path.resolve(import.meta.dirname, '../..')

/**
 * An embedded engine that was opened and closed leaves nothing running: a process that
 * opened one and never queried it (a command refused before its first statement, a test
 * that builds the service and asks nothing) still ends. It used not to: closing went
 * through Kysely, which closes the engine only after a first query, and an engine left
 * open holds the process alive for ever.
 */
t.test('a process that opens the embedded engine, asks nothing and closes it ends by itself', { skip: serverUrl ? 'the embedded engine is tested in the embedded run' : false }, async (t) => {
  const script = `
    const { openDatabase } = await import('./src/db/database.ts')
    const { embeddedTemplate } = await import('./test/template-db.ts')
    const { testConfig } = await import('./test/helper.ts')
    const loaded = await openDatabase({ loadDataDir: await embeddedTemplate(testConfig()) })
    await loaded.close()
    const empty = await openDatabase({})
    await empty.close()
    console.log('closed')`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } })
  let stdout = ''
  child.stdout.on('data', (chunk) => { stdout += chunk })
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])))
  clearTimeout(killer)
  t.equal(stdout.trim(), 'closed', 'both engines were opened and closed')
  t.same({ code, signal }, { code: 0, signal: null }, 'and the process ended by itself, not killed two minutes later')
})
