import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import fp from 'fastify-plugin'
import { declareProblemCodes, FieldError, Problem, PROBLEM_MEDIA_TYPE, problemBody, ProblemError } from '../http/problem.js'

/** Fastify's own refusals, each given a stable code. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
}

declareProblemCodes(400, 'validation_failed', 'malformed_json', 'bad_content_length', 'bad_url', 'bad_request')
declareProblemCodes(404, 'route_not_found', 'not_found')
declareProblemCodes(413, 'payload_too_large')
declareProblemCodes(415, 'unsupported_media_type')
declareProblemCodes(500, 'internal_error')

const DETAILS: Record<string, string> = {
  malformed_json: 'The request body is not valid JSON.',
  unsupported_media_type: 'The request body must be application/json.',
  payload_too_large: 'The request body is larger than the service accepts.',
}

/**
 * One error handler for the whole service: every error becomes an RFC 9457
 * problem document with a stable code; 5xx are logged with the request id and
 * their internals never leave the service.
 */
export default fp(async function errors (app: FastifyInstance) {
  app.addSchema(FieldError)
  app.addSchema(Problem)

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProblemError) {
      return sendProblem(request, reply, error.status, error.code, error.message, error.errors)
    }
    if (error.validation) {
      const errors = error.validation.map((issue) => describeValidationIssue(issue, error.validationContext))
      const detail = errors.map((item) => `${item.path}: ${item.message}`).join('; ')
      return sendProblem(request, reply, 400, 'validation_failed', detail, errors)
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code = FRAMEWORK_CODES[error.code] ?? (status === 404 ? 'not_found' : 'bad_request')
      return sendProblem(request, reply, status, code, DETAILS[code] ?? error.message)
    }
    request.log.error({ err: error }, 'request failed')
    return sendProblem(request, reply, 500, 'internal_error', 'An unexpected error occurred; quote the request id when reporting it.')
  })

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`))
}, { name: 'errors' })

export function sendProblem (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  const body = problemBody(status, code, detail, { instance: request.id, ...(errors ? { errors } : {}) })
  return reply.code(status).type(PROBLEM_MEDIA_TYPE).send(body)
}

const PARTS: Record<string, string> = { querystring: 'query', params: 'path', headers: 'header', body: 'body' }

/** Turns one Ajv issue into a field error whose path names the exact field, unknown ones included. */
function describeValidationIssue (issue: FastifySchemaValidationError, context: string | undefined): FieldError {
  const part = PARTS[context ?? 'body'] ?? context ?? 'body'
  const params = issue.params as Record<string, unknown>
  if (issue.keyword === 'additionalProperties') {
    return { path: `/${part}${issue.instancePath}/${String(params.additionalProperty)}`, message: 'unknown field' }
  }
  if (issue.keyword === 'required') {
    return { path: `/${part}${issue.instancePath}/${String(params.missingProperty)}`, message: 'is required' }
  }
  const allowed = Array.isArray(params.allowedValues) ? `: ${params.allowedValues.join(', ')}` : ''
  return { path: `/${part}${issue.instancePath}`, message: `${issue.message ?? 'is invalid'}${allowed}` }
}

export type { Problem }
