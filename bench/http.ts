import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdir, readFile } from 'node:fs/promises'
import autocannon from 'autocannon'
import { count, row, SERVICE_NODE_FLAGS } from './support.js'

/**
 * One officer token drives all 20 connections of a bench, far past the 6,000 requests a
 * minute a token may make (RATE_LIMIT_PER_TOKEN): the limit is raised, so every request
 * is served and the limiter's own work is still measured.
 */
export const UNLIMITED_TOKEN = { RATE_LIMIT_PER_TOKEN: '10000000' } as const

/** A server in its own process, so that the load generator does not share its core. */
export interface Server {
  url: string
  /** The server process's id (for its resident memory). */
  pid: number
  stop (): Promise<void>
}

/** Starts a script with tsx and waits for it to print its port (the hello-world) or for /health/ready (the service). */
export async function startServer (script: string, env: Record<string, string | undefined>, ready: 'port' | 'health'): Promise<Server> {
  const port = ready === 'health' ? 20_000 + Math.floor(Math.random() * 20_000) : 0
  // A variable given as undefined is taken out of the server's environment (DATABASE_URL, for the embedded engine).
  const merged: Record<string, string | undefined> = { ...process.env, ...env, PORT: String(port) }
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name]
  // BENCH_CPU_PROF=DIR writes each server's CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  // The service runs with the flags `npm start` gives it; the hello-world baseline with Node's defaults.
  const flags = script === 'src/server.ts' ? SERVICE_NODE_FLAGS : []
  const child: ChildProcess = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', script], {
    env: merged,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let url: string
  if (ready === 'port') {
    const [chunk] = await once(child.stdout!, 'data') as [Buffer]
    url = `http://127.0.0.1:${chunk.toString().trim()}`
  } else {
    url = `http://127.0.0.1:${port}`
    child.stdout!.resume()
    for (let attempt = 0; ; attempt++) {
      const status = await fetch(`${url}/health/ready`).then((response) => response.status, () => 0)
      if (status === 200) break
      if (attempt > 600) throw new Error(`${script} did not become ready`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM')
      if (child.exitCode === null) await once(child, 'exit')
    },
  }
}

/** A process's resident memory in MiB, from /proc. */
export async function residentMiB (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

/** Clock ticks a second, as /proc counts CPU time (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100

/** The CPU seconds (user and system) a process has used, from /proc; 0 when it is gone. */
async function cpuSecondsOf (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0
}

/** The CPU seconds used so far by each PostgreSQL process of this machine, by process id. */
async function postgresCpuSeconds (): Promise<Map<number, number>> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  const seconds = new Map<number, number>()
  for (const pid of pids) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')
    if (comm.trim() === 'postgres') seconds.set(Number(pid), await cpuSecondsOf(Number(pid)))
  }
  return seconds
}

/**
 * The CPU PostgreSQL's processes used between two readings: each process there at the
 * end, less what it had used at the start (a process started since, all it used). A
 * process that ended between the two (an autovacuum worker, a parallel worker) is left
 * out: what it used is gone with it, and subtracting its start would count less than nothing.
 */
function postgresCpuBetween (start: Map<number, number>, end: Map<number, number>): number {
  let seconds = 0
  for (const [pid, used] of end) seconds += used - (start.get(pid) ?? 0)
  return seconds
}

/**
 * Where the CPU of a round goes, per request: the server process, PostgreSQL's
 * processes (none for the embedded engine, which is inside the server) and this
 * process, the load generator. Call before a round; the answer's end() after it.
 */
export async function cpuAccount (serverPid: number): Promise<{ end (requests: number): Promise<string> }> {
  const [server, postgres, generator] = [await cpuSecondsOf(serverPid), await postgresCpuSeconds(), process.cpuUsage()]
  return {
    end: async (requests) => {
      const perRequest = (seconds: number) => `${(seconds * 1000 / Math.max(requests, 1)).toFixed(3)} ms`
      const used = process.cpuUsage(generator)
      return `CPU a request: service ${perRequest(await cpuSecondsOf(serverPid) - server)}, PostgreSQL ${perRequest(postgresCpuBetween(postgres, await postgresCpuSeconds()))}, `
        + `load generator ${perRequest((used.user + used.system) / 1e6)}`
    },
  }
}

export interface Load {
  requestsPerSecond: number
  /** Requests answered in the round. */
  requests: number
  p50: number
  p99: number
  non2xx: number
}

/** Drives a server at the given connections for the given seconds; each connection builds its own requests. */
export async function drive (options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ connections: 20, duration: 10, ...options })
  return { requestsPerSecond: result.requests.average, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx }
}

/**
 * One round driven before the measured ones, printed and not compared. A service's first
 * seconds after its start — V8 compiling its paths, its connections opening and preparing
 * their statements, each PostgreSQL backend filling its caches — cost it about twice the
 * CPU a request of the rounds after (bench/transitions.ts, four rounds of 6 s: the service
 * 0.94 ms a request in the first, 0.43–0.49 ms in the next three; PostgreSQL 0.62 ms
 * against 0.36–0.41 ms). The measured rounds are those of a service that has been running.
 */
export async function warmUp (label: string, serverPid: number, run: () => Promise<Load>): Promise<void> {
  const account = await cpuAccount(serverPid)
  const load = await run()
  row(`warm-up, not compared: ${label}`, `${count(Math.round(load.requestsPerSecond))}/s`,
    `p50 ${load.p50} ms, p99 ${load.p99} ms; ${await account.end(load.requests)}`)
}
