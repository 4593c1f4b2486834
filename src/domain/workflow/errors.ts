import { defineProblem, defineProblemFamily } from '../../http/problem.js'
import { notFound } from '../entities.js'

export const caseNotFound = notFound('case')
export const objectionNotFound = notFound('objection')
export const noticeNotFound = defineProblem(404, 'notice_not_found', (id: string) => `No notice ${id} is posted.`)

export const wrongLevel = defineProblem(403, 'wrong_level', (step: string, level: string, yours: string) =>
  `The ${step} step is taken by an officer of a ${level}; you are scoped to a ${yours}.`)

export const caseExists = defineProblem(409, 'case_exists', (programCode: string, caseId?: string) =>
  `The subject already has an open or active ${programCode} case${caseId ? `: /v1/cases/${caseId}` : ''}.`)
export const noticeRunning = defineProblem(409, 'notice_running', (level: string, endsOn: string) =>
  `The ${level} notice runs until ${endsOn}; the case may move on from the day after.`)
export const objectionOpen = defineProblem(409, 'objection_open', (count: number) =>
  `${count === 1 ? 'An objection' : `${count} objections`} against the case ${count === 1 ? 'is' : 'are'} not yet decided; the case waits where it stands.`)
export const caseClosed = defineProblem(409, 'case_closed', (status: string) => `The case is ${status}: there is nothing left to object to.`)

export const notEligible = defineProblemFamily(422, ['not_eligible'] as const)
export const caseSubject = defineProblem(422, 'case_subject', (programCode: string, subject: 'household' | 'child') => subject === 'household'
  ? `${programCode} is a household programme: register the head of the household.`
  : `${programCode} is a programme for a child, paid to the parents: register a child whose mother or father is on record.`)

export const rateLimited = defineProblem(429, 'rate_limited', (seconds: number) => `Too many requests from your address; try again in ${seconds} s.`)
