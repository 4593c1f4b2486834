import { defineProblem, type ProblemError } from '../../http/problem.js'
import { nameOf, type EntityType } from '../entities.js'

export const transitionNotAllowed = defineProblem(409, 'transition_not_allowed', (entity: EntityType, status: string, action: string) =>
  `A ${nameOf(entity)} that is ${status} cannot be taken through ${action}.`)

export const fourEyes = defineProblem(403, 'four_eyes', (detail: string) => detail)

export const reasonRequired = defineProblem(422, 'reason_required', (action: string) => `${action} needs a reason.`)

export const systemOnly = defineProblem(403, 'role_forbidden', (action: string) => `${action} is a step the service takes by itself.`)

/** Why one thing did not change: what a bulk answer lists per id, and what a single change throws. */
export interface Refusal {
  status: number
  code: string
  detail: string
}

export function refusalOf (error: ProblemError): Refusal {
  return { status: error.status, code: error.code, detail: error.message }
}
