import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

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

/**
 * Fastify's validator factory (schemaController.compilersFactory.buildValidator).
 * Fastify calls it for every plugin context that adds shared schemas, with those
 * schemas, so every route of every context validates the same way.
 */
export function buildValidator (
  externalSchemas: Record<string, AnySchema | AnySchema[]>,
): (route: { schema: AnySchema, httpPart?: string }) => ValidateFunction {
  const body = withFormats(new Ajv({ ...common, coerceTypes: false }))
  const text = withFormats(new Ajv({ ...common, coerceTypes: 'array' }))
  for (const schema of Object.values(externalSchemas)) {
    body.addSchema(schema)
    text.addSchema(schema)
  }
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema)
}

function withFormats (ajv: Ajv): Ajv {
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv)
  return ajv
}
