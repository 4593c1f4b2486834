import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SingleBar, Presets } from 'cli-progress'

interface Job { id: string, status: string, done: number, total: number | null, result?: { inserted: number, households: number, skipped: number, errors: Array<{ row: number, message: string }> }, error?: string }

const TYPES: Record<string, string> = { '.csv': 'text/csv', '.ndjson': 'application/x-ndjson', '.jsonl': 'application/x-ndjson' }

/**
 * Uploads a file to a running service's POST /v1/imports/households and follows the
 * job with a progress bar. Answers the exit code: 0 when the job succeeded (bad rows
 * are listed), 1 when it could not run.
 */
export async function importHouseholdsCommand (file: string, options: { url: string, token: string, out?: NodeJS.WriteStream }): Promise<number> {
  const out = options.out ?? process.stdout
  const type = TYPES[extname(file).toLowerCase()]
  if (!type) {
    process.stderr.write(`cannot tell the format of ${file}: name it .csv, .ndjson or .jsonl\n`)
    return 2
  }
  const headers = { authorization: `Bearer ${options.token}` }
  const upload = await fetch(new URL('/v1/imports/households', options.url), {
    method: 'POST', headers: { ...headers, 'content-type': type }, body: await readFile(file),
  })
  if (upload.status !== 202) {
    const problem = await upload.json().catch(() => ({})) as { detail?: string }
    process.stderr.write(`import refused (${upload.status}): ${problem.detail ?? upload.statusText}\n`)
    return 1
  }
  let job = await upload.json() as Job
  const bar = out.isTTY ? new SingleBar({ format: 'importing |{bar}| {value}/{total} rows', hideCursor: true }, Presets.shades_classic) : undefined
  bar?.start(1, 0)
  while (job.status === 'queued' || job.status === 'running') {
    await sleep(500)
    const response = await fetch(new URL(`/v1/jobs/${job.id}`, options.url), { headers })
    job = await response.json() as Job
    if (bar) {
      bar.setTotal(job.total ?? 1)
      bar.update(job.done)
    } else if (job.total) {
      out.write(`${job.done}/${job.total} rows\n`)
    }
  }
  bar?.stop()
  if (job.status === 'failed' || !job.result) {
    process.stderr.write(`import failed: ${job.error ?? 'no result'}\n`)
    return 1
  }
  const { inserted, households, skipped, errors } = job.result
  out.write(`imported ${inserted} persons in ${households} households; ${skipped} already registered; ${errors.length} rows refused\n`)
  for (const error of errors) out.write(`row ${error.row}: ${error.message}\n`)
  return 0
}
