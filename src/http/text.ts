/**
 * One rule for text, wherever it comes from (a body, a query, a path, a header, a cursor,
 * a row of an import file): no NUL character and no unpaired UTF-16 surrogate. PostgreSQL
 * refuses both (text cannot hold NUL; jsonb refuses a lone surrogate escape), so text
 * that carries one is refused where it enters, naming the field, never the value.
 */
export const UNCLEAN_TEXT = 'must not contain NUL characters or unpaired surrogates'

/** NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNCLEAN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const UNCLEAN_ALL = new RegExp(UNCLEAN.source, 'g')

export function isCleanText (value: string): boolean {
  return !UNCLEAN.test(value)
}

/** Deeper than this, a request's data is refused whole: no schema of the service nests so far, and validating it would exhaust the stack. */
export const MAX_DEPTH = 64
export const TOO_DEEP = `must not be nested more than ${MAX_DEPTH} levels deep`

/**
 * The first string (or object key) in value that breaks the rule, or the first value
 * nested deeper than MAX_DEPTH, with its JSON pointer; undefined when all is clean. Only
 * plain data is walked — what JSON and query strings make — and without recursion, so
 * that no depth of nesting can overflow the stack. Bytes are not walked: a body of
 * 10 MB would otherwise be walked byte by byte.
 */
export function findUncleanData (value: unknown): { path: string, rule: string } | undefined {
  const stack: Array<{ value: unknown, path: string, depth: number }> = [{ value, path: '', depth: 0 }]
  while (stack.length > 0) {
    const { value: node, path, depth } = stack.pop()!
    if (typeof node === 'string') {
      if (!isCleanText(node)) return { path, rule: UNCLEAN_TEXT }
      continue
    }
    // Bytes (an import file's upload) are not text: their reader checks the text it decodes.
    if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) continue
    if (depth >= MAX_DEPTH) return { path, rule: TOO_DEEP }
    const entries = Array.isArray(node) ? node.map((item, index) => [String(index), item] as const) : Object.entries(node)
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index]!
      const where = `${path}/${escapePointer(key)}`
      if (!Array.isArray(node) && !isCleanText(key)) return { path: where, rule: UNCLEAN_TEXT }
      stack.push({ value: item, path: where, depth: depth + 1 })
    }
  }
  return undefined
}

/** The JSON pointer of the first string or key in value that breaks the rule for text (or nests too deep). */
export function findUncleanText (value: unknown): string | undefined {
  return findUncleanData(value)?.path
}

/** A key as a JSON pointer segment (RFC 6901), with anything unclean left out so the pointer itself stays printable. */
function escapePointer (key: string): string {
  const printable = isCleanText(key) ? key : key.replace(UNCLEAN_ALL, '\uFFFD')
  return printable.replace(/~/g, '~0').replace(/\//g, '~1')
}
