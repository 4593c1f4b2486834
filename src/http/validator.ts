import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { findUncleanData } from './text.js'

/**
 * Request validation that refuses instead of tidying: unknown fields are errors, and
 * JSON bodies are taken with the types they have ("12" is not 12). Query strings,
 * path parameters and headers arrive as text, so there the validator coerces.
 */
const common: Options = {
  allErrors: true,
  removeAdditional: false,
  useDefaults: true,
  strict: false,
  allowUnionTypes: true,
}

/** The widest integer a request may carry where its schema sets no bound: what an `integer` column holds. */
export const INT32 = { minimum: -2147483648, maximum: 2147483647 } as const

/**
 * Fastify's validator factory (schemaController.compilersFactory.buildValidator).
 * Fastify calls it for every plugin context that adds shared schemas, with those
 * schemas, so every route of every context validates the same way.
 */
export function buildValidator (
  externalSchemas: Record<string, AnySchema | AnySchema[]>,
): (route: { schema: AnySchema, httpPart?: string }) => ValidateFunction {
  const shared = Object.values(externalSchemas).flat()
  let built = validatorsBuilt.find((each) => each.shared.length === shared.length && each.shared.every((schema, i) => schema === shared[i]))
  if (!built) {
    built = { shared, compiler: validatorCompiler(shared) }
    validatorsBuilt.push(built)
  }
  return built.compiler
}

/**
 * The compilers made, by the shared schemas they know: every plugin context asks for one,
 * almost all with the same schemas, and each new one cost a meta-validation of them all.
 */
const validatorsBuilt: Array<{ shared: AnySchema[], compiler: (route: { schema: AnySchema, httpPart?: string }) => ValidateFunction }> = []

function validatorCompiler (shared: AnySchema[]): (route: { schema: AnySchema, httpPart?: string }) => ValidateFunction {
  const body = requestAjv({ coerceTypes: false })
  const text = requestAjv({ coerceTypes: 'array' })
  for (const schema of shared) {
    const bounded = boundIntegers(schema)
    body.addSchema(bounded)
    text.addSchema(bounded)
  }
  return ({ schema, httpPart }) => {
    const bounded = boundIntegers(schema)
    const ajv = httpPart === 'body' ? body : text
    // Compiled when the first request reaches it: compiling every route's validators
    // up front took over a second of each start, for routes a process may never serve.
    let compiled: ValidateFunction | undefined
    return withCleanText(() => (compiled ??= ajv.compile(bounded)), bounded, httpPart === 'headers' ? declaredProperties(schema) : undefined)
  }
}

/** An Ajv set up as every request validator of the service is; the import reads its files with one too. */
export function requestAjv (options: Options = {}): Ajv {
  const ajv = new Ajv({ ...common, ...options })
  ;(addFormats as unknown as (ajv: Ajv) => Ajv)(ajv)
  // What the database and JavaScript both take, no more: a UUID without the urn:uuid:
  // prefix ajv-formats allows; dates from year 1 (PostgreSQL has no year 0); instants a
  // Date can hold (no leap second, which RFC 3339 allows and Date refuses).
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
  const date = ajv.formats.date as { validate: (value: string) => boolean, compare: unknown }
  const dateTime = ajv.formats['date-time'] as { validate: (value: string) => boolean, compare: unknown }
  ajv.addFormat('date', { ...date, validate: (value: string) => !value.startsWith('0000') && date.validate(value) } as never)
  ajv.addFormat('date-time', {
    ...dateTime,
    validate: (value: string) => !value.startsWith('0000') && dateTime.validate(value) && !Number.isNaN(Date.parse(value)),
  } as never)
  return ajv
}

/**
 * The schema with every integer that has no bound of its own bounded to 32 bits, so
 * that 2147483648 in a path or a body is a 400 naming the field, not a database error.
 */
export function boundIntegers<T> (schema: T): T {
  if (Array.isArray(schema)) return schema.map(boundIntegers) as T
  if (schema === null || typeof schema !== 'object') return schema
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) copy[key] = boundIntegers(value)
  const types = [copy.type].flat()
  if (types.includes('integer')) {
    if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = INT32.minimum
    if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = INT32.maximum
  }
  return copy as T
}

/**
 * The validator (compiled when first called), refusing first any text that breaks the one rule for text
 * (src/http/text.ts), and data nested deeper than any schema goes. Headers are checked only where the route declares them: those
 * are the ones it uses. A body that is not JSON (an import file) is checked row by row
 * by its reader instead.
 */
function withCleanText (compiled: () => ValidateFunction, schema: AnySchema, headers: string[] | undefined): ValidateFunction {
  const checked = function (this: unknown, data: unknown, context?: unknown) {
    const subject = headers && data !== null && typeof data === 'object'
      ? Object.fromEntries(headers.map((name) => [name, (data as Record<string, unknown>)[name]]))
      : data
    const unclean = typeof subject === 'object' ? findUncleanData(subject) : undefined
    if (unclean !== undefined) {
      const error: ErrorObject = { instancePath: unclean.path, schemaPath: '#', keyword: 'text', params: {}, message: unclean.rule }
      checked.errors = [error]
      return false
    }
    const validate = compiled()
    const valid = (validate as (data: unknown, context?: unknown) => boolean).call(this, data, context)
    checked.errors = validate.errors
    return valid
  } as ValidateFunction
  return Object.assign(checked, { schema })
}

function declaredProperties (schema: AnySchema): string[] {
  const properties = (schema as { properties?: Record<string, unknown> }).properties
  return properties ? Object.keys(properties) : []
}
