import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'

/**
 * The embedded engine's data directory is one PostgreSQL cluster that only one process
 * may hold: two processes writing the same files lose each other's work. The holder
 * keeps a lock file, `huimin.lock`, in the directory naming its pid, port and command,
 * written whole and then put in place with link(2), which (like O_EXCL) only one
 * process can do. A lock whose process is gone (killed, the machine restarted) is
 * taken over.
 */
export const LOCK_FILE = 'huimin.lock'

export interface LockHolder {
  pid: number
  /** The port the holder serves HTTP on; null for a command-line tool, or a server not yet listening. */
  port: number | null
  /** What holds it: `huimin server`, `huimin create-admin` … */
  command: string
  host: string
  since: string
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError'
  constructor (readonly dataDir: string, readonly holder: LockHolder) {
    super(`the embedded database in ${dataDir} is in use by ${describeHolder(holder)}`)
  }
}

/** "huimin server (pid 123, port 3000)" */
export function describeHolder (holder: LockHolder): string {
  const port = holder.port === null ? '' : `, port ${holder.port}`
  return `${holder.command} (pid ${holder.pid}${port})`
}

export interface DataDirLock {
  readonly file: string
  readonly holder: LockHolder
  /** Records the port the holder now listens on. */
  setPort (port: number): void
  /** Removes the lock, if it is still this process's. Idempotent. */
  release (): void
}

/** Takes the lock of a data directory (creating the directory, private, if need be); throws DataDirBusyError when a live process holds it. */
export async function lockDataDir (dataDir: string, options: { command: string, port?: number | null }): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const file = path.join(dataDir, LOCK_FILE)
  const holder: LockHolder = { pid: process.pid, port: options.port ?? null, command: options.command, host: hostname(), since: new Date().toISOString() }
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, holder)) break
    const current = readHolder(file)
    if (current === 'gone') continue
    if (current !== 'unreadable' && isAlive(current.pid)) throw new DataDirBusyError(dataDir, current)
    // A stale (or half-written, by a process that died writing it) lock. Only one process
    // at a time takes a stale lock over, under a second O_EXCL file: the others retry.
    if (attempt > 20) throw new Error(`cannot take over the stale lock ${file}: remove it if no Huimin process uses ${dataDir}`)
    takeOverStale(file, current === 'unreadable' ? undefined : current)
    await new Promise((resolve) => setTimeout(resolve, 10 * (attempt % 5)))
  }
  let released = false
  const release = () => {
    if (released) return
    released = true
    process.off('exit', release)
    const current = readHolder(file)
    if (current !== 'gone' && current !== 'unreadable' && current.pid === holder.pid && current.since === holder.since) {
      try { unlinkSync(file) } catch { /* gone already */ }
    }
  }
  process.on('exit', release)
  return {
    file,
    holder,
    setPort (port) {
      holder.port = port
      const temporary = `${file}.${process.pid}`
      writeFileSync(temporary, JSON.stringify(holder) + '\n', { mode: 0o600 })
      renameSync(temporary, file)
    },
    release,
  }
}

/** Reads who holds a data directory's lock, without taking it; undefined when no live process does. */
export function lockHolder (dataDir: string): LockHolder | undefined {
  const current = readHolder(path.join(dataDir, LOCK_FILE))
  return current !== 'gone' && current !== 'unreadable' && isAlive(current.pid) ? current : undefined
}

/** Creates the lock whole or not at all: written to a file of this process's, then linked in (link fails if the lock exists). */
function tryCreate (file: string, holder: LockHolder): boolean {
  const temporary = `${file}.${process.pid}`
  writeFileSync(temporary, JSON.stringify(holder) + '\n', { mode: 0o600 })
  try {
    linkSync(temporary, file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(temporary)
  }
}

function readHolder (file: string): LockHolder | 'gone' | 'unreadable' {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    throw error
  }
  try {
    const parsed = JSON.parse(text) as LockHolder
    return Number.isInteger(parsed.pid) ? parsed : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

/**
 * Whether a process with this pid runs. This process's own pid is not a holder: in a
 * container the service is pid 1 on every start, and the lock left by the last one
 * (killed) names pid 1 too.
 */
function isAlive (pid: number): boolean {
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function takeOverStale (file: string, stale: LockHolder | undefined): void {
  const guard = `${file}.takeover`
  let fd: number
  try {
    fd = openSync(guard, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Another process is taking it over; if that process died doing so, clear its guard.
    const holder = readHolder(guard)
    if (holder === 'unreadable' || (holder !== 'gone' && !isAlive(holder.pid))) {
      try { unlinkSync(guard) } catch { /* gone already */ }
    }
    return
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid }) + '\n')
    closeSync(fd)
    // Still the same stale lock? (Another process may have taken it over meanwhile.)
    const current = readHolder(file)
    const same = current === 'unreadable' ? stale === undefined
      : current !== 'gone' && stale !== undefined && current.pid === stale.pid && current.since === stale.since
    if (same) {
      try { unlinkSync(file) } catch { /* gone already */ }
    }
  } finally {
    try { unlinkSync(guard) } catch { /* gone already */ }
  }
}
