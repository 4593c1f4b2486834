import { defineFieldProblem, defineProblem } from '../../http/problem.js'

export const yearInFuture = defineFieldProblem(422, 'year_in_future', (year: number, current: number) =>
  `The year ${year} has not begun; screen ${current} or earlier.`)

export const screeningNotFinished = defineProblem(409, 'screening_not_finished', (id: string, status: string) =>
  `Screening ${id} is ${status}; its candidates can be registered once it has succeeded.`)

export const claimNotApplicable = defineFieldProblem(422, 'claim_not_applicable', (programCode: string) =>
  `${programCode} is not decided per claim; leave claimId out.`)
export const claimRequired = defineFieldProblem(422, 'claim_required', (programCode: string) =>
  `${programCode} is decided per claim: name the service event claimed in claimId.`)
export const claimAfterAsOf = defineFieldProblem(422, 'claim_after_as_of', (claimDate: string, asOf: string) =>
  `The claim is dated ${claimDate}, after the as-of date ${asOf}.`)
export const claimNotFound = defineProblem(404, 'claim_not_found', (personId: string, claimId: string) =>
  `Person ${personId} has no standing service event ${claimId}.`)
