import { setTimeout as sleep } from 'node:timers/promises'
import { Presets, SingleBar } from 'cli-progress'

export interface Job<Result> { id: string, status: string, done: number, total: number | null, result?: Result, error?: string }

/** A running service, as the command line reaches it. */
export interface Service { url: string, token: string, out?: NodeJS.WriteStream }

/** Calls the service; answers the status and the parsed body (a problem's detail on failure). */
export async function call (service: Service, method: string, path: string, body?: { type: string, data: string | Buffer }) {
  const response = await fetch(new URL(path, service.url), {
    method,
    headers: { authorization: `Bearer ${service.token}`, ...(body ? { 'content-type': body.type } : {}) },
    ...(body ? { body: body.data } : {}),
  })
  return { status: response.status, body: await response.json().catch(() => ({})) as Record<string, unknown> }
}

/** How often a job is asked about; how often a line is printed at least, without a terminal. */
export interface FollowOptions { pollMs?: number, lineEveryMs?: number, now?: () => number }

/**
 * Follows a job until it finishes: a progress bar on a terminal, moving as the job
 * reports rows done; otherwise plain lines (`4500/9000 rows (50%)`) at every tenth of
 * the way and at least every 5 s while it moves, and the last one. Answers the
 * finished job.
 */
export async function followJob<Result> (service: Service, started: Job<Result>, label: string, unit: string, options: FollowOptions = {}): Promise<Job<Result>> {
  const out = service.out ?? process.stdout
  const pollMs = options.pollMs ?? 500
  const lineEveryMs = options.lineEveryMs ?? 5000
  const now = options.now ?? Date.now
  let job = started
  const bar = out.isTTY ? new SingleBar({ format: `${label} |{bar}| {value}/{total} ${unit}`, hideCursor: true, stream: out }, Presets.shades_classic) : undefined
  bar?.start(job.total ?? 1, job.done)
  let shown = ''
  let shownTenth = -1
  let shownAt = now()
  const line = (force: boolean) => {
    if (!job.total) return
    const progress = `${job.done}/${job.total}`
    const tenth = Math.floor((job.done / job.total) * 10)
    if (progress === shown || (!force && tenth === shownTenth && now() - shownAt < lineEveryMs)) return
    shown = progress
    shownTenth = tenth
    shownAt = now()
    out.write(`${progress} ${unit} (${Math.floor((job.done / job.total) * 100)}%)\n`)
  }
  while (job.status === 'queued' || job.status === 'running') {
    await sleep(pollMs)
    job = (await call(service, 'GET', `/v1/jobs/${job.id}`)).body as unknown as Job<Result>
    if (bar) {
      bar.setTotal(job.total ?? 1)
      bar.update(job.done)
    } else {
      line(job.status !== 'queued' && job.status !== 'running')
    }
  }
  bar?.stop()
  return job
}
