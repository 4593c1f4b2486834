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

/**
 * Follows a job until it finishes: a progress bar on a terminal, a line per change
 * otherwise. Answers the finished job.
 */
export async function followJob<Result> (service: Service, started: Job<Result>, label: string, unit: string): Promise<Job<Result>> {
  const out = service.out ?? process.stdout
  let job = started
  const bar = out.isTTY ? new SingleBar({ format: `${label} |{bar}| {value}/{total} ${unit}`, hideCursor: true }, Presets.shades_classic) : undefined
  bar?.start(1, 0)
  let shown = ''
  while (job.status === 'queued' || job.status === 'running') {
    await sleep(500)
    job = (await call(service, 'GET', `/v1/jobs/${job.id}`)).body as unknown as Job<Result>
    if (bar) {
      bar.setTotal(job.total ?? 1)
      bar.update(job.done)
    } else if (job.total && `${job.done}/${job.total}` !== shown) {
      shown = `${job.done}/${job.total}`
      out.write(`${shown} ${unit}\n`)
    }
  }
  bar?.stop()
  return job
}
