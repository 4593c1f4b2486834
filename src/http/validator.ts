import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

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

export function createValidatorCompiler (sharedSchemas: () => Record<string, unknown>): FastifySchemaCompiler<unknown> {
  let validators: { body: Ajv, text: Ajv } | undefined
  const load = (): { body: Ajv, text: Ajv } => {
    if (!validators) {
      validators = {
        body: withFormats(new Ajv({ ...common, coerceTypes: false })),
        text: withFormats(new Ajv({ ...common, coerceTypes: 'array' })),
      }
      for (const schema of Object.values(sharedSchemas())) {
        validators.body.addSchema(schema as object)
        validators.text.addSchema(schema as object)
      }
    }
    return validators
  }
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? load().body : load().text
    return ajv.compile(schema as object)
  }
}

function withFormats (ajv: Ajv): Ajv {
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv)
  return ajv
}
