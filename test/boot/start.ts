import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '../..')

export interface Run { code: number | null, stdout: string, stderr: string, ms: number }

/**
 * Starts `npm start`'s entry point with the given environment; resolves when the
 * process exits. Once it listens, whileRunning is called with its address, its
 * and the process is sent SIGTERM when that is done.
 */
export function startServer (env: Record<string, string>, whileRunning?: (address: string, child: ChildProcess, stdout: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let listening = false
    child.stderr.on('data', (chunk) => { stderr += chunk })
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const address = /API reference: (http:\/\/127\.0\.0\.1:\d+)\/docs/.exec(stdout)
      if (address && !listening) {
        listening = true
        ;(whileRunning ? whileRunning(address[1]!, child, stdout) : Promise.resolve())
          .catch(reject)
          .finally(() => child.kill('SIGTERM'))
      }
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }))
  })
}
