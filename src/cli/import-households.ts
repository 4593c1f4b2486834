import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { call, followJob, type Job, type Service } from './follow-job.js'

interface ImportResult { inserted: number, households: number, skipped: number, errors: Array<{ row: number, message: string }> }

const TYPES: Record<string, string> = {
  '.csv': 'text/csv', '.ndjson': 'application/x-ndjson', '.jsonl': 'application/x-ndjson',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/**
 * Uploads a file to a running service's POST /v1/imports/households and follows the
 * job with a progress bar. Answers the exit code: 0 when the job succeeded (bad rows
 * are listed), 1 when it could not run.
 */
export async function importHouseholdsCommand (file: string, service: Service): Promise<number> {
  const out = service.out ?? process.stdout
  const type = TYPES[extname(file).toLowerCase()]
  if (!type) {
    process.stderr.write(`cannot tell the format of ${file}: name it .csv, .xlsx, .ndjson or .jsonl\n`)
    return 2
  }
  const upload = await call(service, 'POST', '/v1/imports/households', { type, data: await readFile(file) })
  if (upload.status !== 202) {
    process.stderr.write(`import refused (${upload.status}): ${String(upload.body.detail ?? 'no detail')}\n`)
    return 1
  }
  const job = await followJob(service, upload.body as unknown as Job<ImportResult>, 'importing', 'rows')
  if (job.status === 'failed' || !job.result) {
    process.stderr.write(`import failed: ${job.error ?? 'no result'}\n`)
    return 1
  }
  const { inserted, households, skipped, errors } = job.result
  out.write(`imported ${inserted} persons in ${households} households; ${skipped} already registered; ${errors.length} rows refused\n`)
  for (const error of errors) out.write(`row ${error.row}: ${error.message}\n`)
  return 0
}
