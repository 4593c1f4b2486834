import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

interface MediaType { schema?: unknown }
interface ResponseObject { content?: Record<string, MediaType> }
export interface Operation {
  security?: unknown[]
  parameters?: Array<{ in: string, name: string, required?: boolean }>
  requestBody?: { required?: boolean, content: Record<string, MediaType> }
  responses: Record<string, ResponseObject>
}
export interface Document {
  security?: unknown[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
}

/**
 * Checks live answers against the OpenAPI document, as a client generated from it
 * expects them: the status is one the operation declares, the media type one it
 * declares for that status, and a JSON body matches the declared schema.
 */
export function conformanceOf (document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats.default(ajv)
  ajv.addSchema({ $id: 'openapi', components: document.components })
  const refsToDocument = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'))

  return function conformance (method: string, path: string, answer: { statusCode: number, headers: Record<string, unknown>, body: string }): string[] {
    const operation = document.paths[path]?.[method.toLowerCase()]
    if (!operation) return [`${method} ${path} is not in the document`]
    const declared = operation.responses[String(answer.statusCode)] ?? operation.responses.default
    if (!declared) return [`${method} ${path} answered ${answer.statusCode}, which it does not declare (${Object.keys(operation.responses).join(', ')})`]
    if (!declared.content) return answer.body === '' ? [] : [`${method} ${path} ${answer.statusCode} declares no body but sent one`]
    const mediaType = String(answer.headers['content-type'] ?? '').split(';')[0]!.trim()
    const media = declared.content[mediaType]
    if (!media) return [`${method} ${path} ${answer.statusCode} answered ${mediaType}, not one of ${Object.keys(declared.content).join(', ')}`]
    if (!/^application\/(?:[\w.-]+\+)?json$/.test(mediaType) || !media.schema) return []
    const validate = ajv.compile(refsToDocument(media.schema) as object)
    if (validate(JSON.parse(answer.body))) return []
    return (validate.errors ?? []).map((error) => `${method} ${path} ${answer.statusCode}: body${error.instancePath} ${error.message}`)
  }
}

/** Every operation of the document, as [method, path template, operation]. */
export function operationsOf (document: Document): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => [method.toUpperCase(), path, operation] as [string, string, Operation]))
}
