import { STATUS_CODES } from 'node:http'
import Type, { type Static } from 'typebox'

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

export const FieldError = Type.Object({
  path: Type.String({ description: 'Where the bad value is, as a JSON pointer prefixed with the request part: /body/members/0/idNumber, /query/limit.' }),
  message: Type.String({ description: 'What is wrong with it.' }),
}, { $id: 'FieldError', additionalProperties: false, description: 'One bad field of a request.' })

export const Problem = Type.Object({
  type: Type.String({ description: 'Stable URI naming the kind of problem: urn:huimin:problem:<code>.' }),
  title: Type.String({ description: 'Short summary of the HTTP status.' }),
  status: Type.Integer({ description: 'HTTP status code.' }),
  code: Type.String({ description: 'Stable machine-readable code; see docs/errors.md.' }),
  detail: Type.String({ description: 'What went wrong in this request, for a person to read.' }),
  instance: Type.Optional(Type.String({ description: 'The request id, as echoed in X-Request-Id.' })),
  errors: Type.Optional(Type.Array(Type.Ref('FieldError'), { description: 'The bad fields, for validation problems.' })),
}, { $id: 'Problem', additionalProperties: false, description: 'An RFC 9457 problem document.' })

export type FieldError = Static<typeof FieldError>
export type Problem = Static<typeof Problem>

/** A refusal the service means to give: the error handler turns it into a Problem. */
export class ProblemError extends Error {
  override name = 'ProblemError'
  constructor (
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail)
  }
}

/** Every problem code the service can answer, with its status: docs/errors.md lists each (a test keeps them equal). */
const DEFINED = new Map<string, number>()

/** The codes defined so far, with their statuses. */
export function definedProblems (): ReadonlyMap<string, number> {
  return DEFINED
}

function define (status: number, code: string): void {
  const known = DEFINED.get(code)
  if (known !== undefined && known !== status) throw new Error(`problem ${code} defined with ${known} and ${status}`)
  DEFINED.set(code, status)
}

/**
 * A refusal, defined once with its code and status: calling it with the detail's
 * arguments gives the error to throw.
 */
export function defineProblem<A extends unknown[]> (status: number, code: string, detail: (...args: A) => string) {
  define(status, code)
  return Object.assign((...args: A) => new ProblemError(status, code, detail(...args)), { code, status })
}

/**
 * A refusal about one field of the request: the first argument is the field's path
 * (/body/members/0/birthDate), which the problem's errors list names.
 */
export function defineFieldProblem<A extends unknown[]> (status: number, code: string, detail: (...args: A) => string) {
  define(status, code)
  return Object.assign((path: string, ...args: A) => {
    const message = detail(...args)
    return new ProblemError(status, code, message, [{ path, message }])
  }, { code, status })
}

/**
 * A family of refusals sharing a status, each code named where it is found (the checks
 * of an ID number, of a rule tree): the error carries the field errors, its code the first one's.
 */
export function defineProblemFamily<C extends string> (status: number, codes: readonly C[]) {
  for (const code of codes) define(status, code)
  return (code: C, detail: string, errors?: FieldError[]) => new ProblemError(status, code, detail, errors)
}

/** Codes of refusals made outside defineProblem: the framework's, answered by the error handler. */
export function declareProblemCodes (status: number, ...codes: string[]): void {
  for (const code of codes) define(status, code)
}

export function problemBody (status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `urn:huimin:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  }
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed or has bad or unknown fields.',
  401: 'No valid bearer token was given.',
  403: 'The caller lacks a role this operation needs.',
  404: 'No such resource in the caller\'s region.',
  409: 'The request conflicts with the current state.',
  412: 'The If-Match precondition failed: the resource has changed.',
  413: 'The request body is too large.',
  415: 'The request body has an unsupported media type.',
  422: 'The request is well-formed but breaks a rule.',
  428: 'The request needs an If-Match header.',
  408: 'The whole request did not arrive in time.',
  429: 'Too many requests: the partner\'s, the token\'s or the client address\'s limit was reached; Retry-After says when to try again.',
  503: 'The database cannot be reached, or this instance is shutting down; Retry-After says when to try again.',
}

/** Route response entries for the given error statuses, each a Problem document. */
export function problemResponses (...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(statuses.map((status) => [status, {
    description: DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? 'Error',
    content: { [PROBLEM_MEDIA_TYPE]: { schema: Type.Ref('Problem') } },
  }]))
}
