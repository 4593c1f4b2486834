import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import fp from 'fastify-plugin'
import { DATABASE_RETRY_AFTER_S, databaseUnavailable, isConnectionLost } from '../db/errors.js'
import { declareProblemCodes, FieldError, Problem, PROBLEM_MEDIA_TYPE, problemBody, ProblemError } from '../http/problem.js'

/** Fastify's own refusals, each given a stable code. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
}

declareProblemCodes(400, 'validation_failed', 'malformed_json', 'bad_content_length', 'bad_url', 'bad_request')
declareProblemCodes(404, 'route_not_found', 'not_found')
declareProblemCodes(408, 'request_timeout')
declareProblemCodes(413, 'payload_too_large')
declareProblemCodes(414, 'uri_too_long')
declareProblemCodes(415, 'unsupported_media_type')
declareProblemCodes(431, 'headers_too_large')
declareProblemCodes(500, 'internal_error')
declareProblemCodes(503, 'shutting_down')

/** Details of the framework's refusals: fixed sentences, so that nothing of the request is quoted back. */
const DETAILS: Record<string, string> = {
  malformed_json: 'The request body is not valid JSON.',
  unsupported_media_type: 'The request body must be application/json.',
  payload_too_large: 'The request body is larger than the service accepts.',
  bad_content_length: 'The Content-Length header does not match the body.',
  bad_url: 'The URL cannot be decoded: a percent sign is not followed by two hexadecimal digits, or the bytes are not UTF-8.',
  uri_too_long: 'A path segment of the URL is longer than any this service takes.',
  bad_request: 'The request is malformed.',
  not_found: 'No such resource.',
  request_timeout: 'The whole request did not arrive within the time the service waits for one.',
  headers_too_large: 'The request line and headers are larger than the service accepts.',
}

/** Headers every answer carries, those sent before any route is found included. */
const BASELINE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }

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
    if (isConnectionLost(error)) {
      request.log.warn({ err: error }, 'database unavailable')
      const problem = databaseUnavailable()
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_S))
      return sendProblem(request, reply, problem.status, problem.code, problem.message)
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) return sendFrameworkProblem(error, request, reply)
    request.log.error({ err: error }, 'request failed')
    return sendProblem(request, reply, 500, 'internal_error', 'An unexpected error occurred; quote the request id when reporting it.')
  })

  // The path is not quoted back: it may hold what the caller should not have put there.
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, 'route_not_found', `No route has this path for ${request.method}.`))

  // While the service drains for shutdown, a request that still arrives is told to go elsewhere.
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close').header('retry-after', '1')
      return sendProblem(request, reply, 503, 'shutting_down', 'This instance is shutting down; send the request again.')
    }
    // HTTP/1.1 requires Host (RFC 9112 §3.2); Node's own refusal of it has no body.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      return sendProblem(request, reply, 400, 'bad_request', 'An HTTP/1.1 request carries a Host header.')
    }
  })
}, { name: 'errors' })

/** A refusal of the framework's own (a bad URL, a body it cannot parse), as a problem with a fixed detail. */
function sendFrameworkProblem (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode ?? 400
  const code = FRAMEWORK_CODES[error.code] ?? (status === 404 ? 'not_found' : 'bad_request')
  return sendProblem(request, reply, status, code, DETAILS[code] ?? DETAILS.bad_request!)
}

/**
 * Fastify's frameworkErrors option: the refusals it makes before a route is found (a URL
 * that cannot be decoded, a path parameter over maxParamLength) answered as problems
 * like every other.
 */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendFrameworkProblem(error, request, reply)
}

/**
 * Fastify's clientErrorHandler option: what Node's HTTP parser refuses before there is a
 * request (a malformed request line or header, headers over the size limit, a request
 * that did not arrive within REQUEST_TIMEOUT_MS) is answered as a problem too, and the
 * connection closed.
 */
export function clientErrorHandler (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request_timeout']
    : error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large']
      : [400, 'bad_request'] as const
  this.log.debug({ errorCode: error.code, status }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify(problemBody(status, code, DETAILS[code]!))
    socket.write([
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      `Content-Type: ${PROBLEM_MEDIA_TYPE}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(BASELINE_HEADERS).map(([name, value]) => `${name}: ${value}`),
      'Connection: close',
      '', body,
    ].join('\r\n'))
  }
  socket.destroy()
}

export function sendProblem (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  const body = problemBody(status, code, detail, { instance: request.id, ...(errors ? { errors } : {}) })
  return reply.code(status).headers({ ...BASELINE_HEADERS, 'x-request-id': request.id }).type(PROBLEM_MEDIA_TYPE).send(body)
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
