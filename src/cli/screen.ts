import { call, followJob, type Job, type Service } from './follow-job.js'

interface ScreeningResult { ruleVersion: number, asOf: string, qualifiedCount: number, candidateCount: number, candidateAmount: string | null, candidates: string }

/**
 * Screens a region for a programme on a running service (POST /v1/programs/{code}/screenings)
 * and follows the job. Answers the exit code: 0 with the counts and where to page
 * through the candidates, 1 when it was refused or failed.
 */
export async function screenCommand (programCode: string, request: { regionCode: string, year: number }, service: Service): Promise<number> {
  const out = service.out ?? process.stdout
  const started = await call(service, 'POST', `/v1/programs/${encodeURIComponent(programCode)}/screenings`, { type: 'application/json', data: JSON.stringify(request) })
  if (started.status !== 202) {
    process.stderr.write(`screening refused (${started.status}): ${String(started.body.detail ?? 'no detail')}\n`)
    return 1
  }
  const job = await followJob(service, started.body as unknown as Job<ScreeningResult>, 'screening', 'steps')
  if (job.status === 'failed' || !job.result) {
    process.stderr.write(`screening failed: ${job.error ?? 'no result'}\n`)
    return 1
  }
  const result = job.result
  out.write(`${programCode} ${request.year} in ${request.regionCode} (rule version ${result.ruleVersion}, facts as of ${result.asOf}): `
    + `${result.qualifiedCount} qualify, ${result.candidateCount} candidates${result.candidateAmount ? `, ${result.candidateAmount} yuan for the year` : ''}\n`)
  out.write(`candidates: ${new URL(result.candidates, service.url).toString()}\n`)
  return 0
}
