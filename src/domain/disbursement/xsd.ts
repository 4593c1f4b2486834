import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ErrorDetail, XmlDocument, XsdValidator } from 'libxml2-wasm'

/**
 * libxml2 compiled to WebAssembly, loaded the first time a document is validated: an
 * instance that never receives bank results does not carry it (about 16 MB resident).
 */
const libxml = () => import('libxml2-wasm')

/**
 * The official ISO 20022 schemas shipped in schemas/iso20022/ at the project's root,
 * found from this file in src/ or in its compiled copy in dist/src/, validated with
 * libxml2 compiled to WebAssembly (no native build, no xmllint).
 */
function schemaFolder (): string {
  let folder = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = path.join(folder, 'schemas', 'iso20022')
    if (existsSync(candidate)) return candidate
    const parent = path.dirname(folder)
    if (parent === folder) throw new Error('schemas/iso20022 is missing: the service reads the ISO 20022 schemas from it')
    folder = parent
  }
}

export type Message = 'pain.001.001.10' | 'pain.002.001.11'

export const NAMESPACES: Record<Message, string> = {
  'pain.001.001.10': 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.10',
  'pain.002.001.11': 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.11',
}

const validators = new Map<Message, XsdValidator>()

/** The message's validator, compiled once and kept for the life of the process. */
async function validatorOf (message: Message): Promise<XsdValidator> {
  let validator = validators.get(message)
  if (!validator) {
    const { XmlDocument, XsdValidator } = await libxml()
    const schema = XmlDocument.fromBuffer(readFileSync(path.join(schemaFolder(), `${message}.xsd`)))
    try {
      validator = XsdValidator.fromDoc(schema)
    } finally {
      schema.dispose()
    }
    validators.set(message, validator)
  }
  return validator
}

/** One thing wrong with a document, at its line. */
export interface XmlProblem {
  line: number
  message: string
}

const problemsOf = (details: readonly ErrorDetail[]): XmlProblem[] =>
  details.map((detail) => ({ line: detail.line, message: detail.message.trim() }))

/**
 * Parses a document and validates it against the message's schema. Answers the parsed
 * document (the caller disposes of it), or every problem found: not well-formed, or
 * invalid against the schema.
 */
export async function parseValid (message: Message, bytes: Uint8Array): Promise<{ document: XmlDocument } | { problems: XmlProblem[] }> {
  const { XmlDocument, XmlParseError, XmlValidateError } = await libxml()
  const validator = await validatorOf(message)
  let document: XmlDocument
  try {
    document = XmlDocument.fromBuffer(bytes)
  } catch (error) {
    if (error instanceof XmlParseError) return { problems: problemsOf(error.details) }
    throw error
  }
  try {
    validator.validate(document)
    return { document }
  } catch (error) {
    document.dispose()
    if (error instanceof XmlValidateError) return { problems: problemsOf(error.details) }
    throw error
  }
}
