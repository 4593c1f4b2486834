import type { FastifyContextConfig, FastifySchema } from 'fastify'
import { problemResponses } from '../http/problem.js'

const RETRY_AFTER = { type: 'integer', minimum: 1, description: 'Seconds to wait before trying again.' }

/** Answers every authenticated operation may give besides its own: a limit (429), a database out of reach (503). */
const SHARED_RESPONSES = Object.fromEntries(Object.entries(problemResponses(429, 503)).map(([status, response]) =>
  [status, { ...(response as object), headers: { 'Retry-After': RETRY_AFTER } }]))

/** The process's own refusals, which come before any route: headers too large (431). */
const PROCESS_RESPONSES = problemResponses(431)

type Responses = Record<string, unknown>

/**
 * A route's schema as the document shows it: with the answers that come from the
 * service around the route rather than from the route itself. An authenticated
 * operation says which roles may call it, and that it may meet a limit (429) or a
 * database out of reach (503); an operation that takes a body, that the body may be too
 * large (413) or not JSON (415); an operation that takes If-Match, that a stale version
 * is a 412 and a missing header a 428. Operations that declare no 4xx of their own
 * (health) say what Node's parser refuses first (431).
 */
export function withWhatTheServiceAdds (schema: FastifySchema, config: FastifyContextConfig | undefined): FastifySchema {
  const own = (schema.response ?? {}) as Responses
  const roles = config?.roles
  const takesIfMatch = Boolean((schema.headers as { properties?: Record<string, unknown> } | undefined)?.properties?.['if-match'])
  const hasClientError = Object.keys(own).some((status) => status.startsWith('4'))
  const response: Responses = {
    ...(hasClientError ? {} : PROCESS_RESPONSES),
    ...(schema.body ? problemResponses(413, 415) : {}),
    ...(takesIfMatch ? problemResponses(412, 428) : {}),
    ...own,
    ...(roles ? SHARED_RESPONSES : {}),
  }
  const who = roles && `Roles: ${roles.join(', ')}.`
  const description = who ? (schema.description ? `${who}\n\n${schema.description}` : who) : schema.description
  return {
    ...schema,
    response,
    ...(description ? { description } : {}),
    ...(config?.bodyOptional ? { [BODY_OPTIONAL]: true } : {}),
  }
}

/** Carries "the body is optional" from a route to its operation (@fastify/swagger copies x- keys). */
const BODY_OPTIONAL = 'x-body-optional'

interface Operation { requestBody?: { required?: boolean }, parameters?: Array<{ in: string, name: string, required?: boolean }>, [key: string]: unknown }
export interface OpenAPIDocument { paths?: Record<string, Record<string, Operation>>, [key: string]: unknown }

/**
 * The generated document made exact where the generator cannot know: an optional body
 * is not required, If-Match is required (the validator takes it as optional so that its
 * absence answers 428 rather than 400), and every enum says its type, so that generated
 * clients type it as a union of strings rather than `unknown`.
 */
export function exact (document: OpenAPIDocument): OpenAPIDocument {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (typeof operation !== 'object' || operation === null) continue
      if (operation[BODY_OPTIONAL]) {
        delete operation[BODY_OPTIONAL]
        if (operation.requestBody) operation.requestBody.required = false
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'header' && parameter.name === 'if-match') parameter.required = true
      }
    }
  }
  typeEnums(document)
  return document
}

/** Gives each `enum` without a `type` the JSON type all its values share. */
function typeEnums (node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(typeEnums)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const schema = node as Record<string, unknown>
  if (Array.isArray(schema.enum) && schema.type === undefined) {
    const types = new Set(schema.enum.map(jsonTypeOf))
    if (types.size === 1) schema.type = [...types][0]
  }
  Object.values(schema).forEach(typeEnums)
}

function jsonTypeOf (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}
