import { importEncoding } from '../errors.js'

/** The encodings an import's text may be in: UTF-8, and the GB18030 that Excel on Chinese Windows saves (GBK and GB2312 are its subsets). */
export type TextEncoding = 'utf-8' | 'gb18030'

/** Charset labels meaning GB18030 or one of its subsets. */
const GB_LABELS = new Set(['gb18030', 'gbk', 'gb2312', 'cp936', 'x-gbk', 'windows-936'])
const UTF8_LABELS = new Set(['utf-8', 'utf8'])

/** The charset parameter of a Content-Type header, lower-cased; undefined when there is none. */
export function charsetOf (contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')
  return match?.[1]!.toLowerCase()
}

function decodeAs (encoding: TextEncoding, bytes: Uint8Array): string | undefined {
  try {
    // fatal: a byte sequence the encoding does not have is an error, never a U+FFFD.
    // A UTF-8 byte order mark is dropped (ignoreBOM is false).
    return new TextDecoder(encoding, { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * The text of an uploaded file and the encoding it was read in. A declared charset is
 * obeyed: the file must be text in it. Without one, UTF-8 (with or without a byte order
 * mark) is tried first, then GB18030 — what Excel's "CSV (逗号分隔)" writes on Chinese
 * Windows. UTF-8 goes first because GB18030 reads almost any bytes: a UTF-8 file read
 * as GB18030 would come out as other characters rather than fail.
 */
export function decodeText (bytes: Uint8Array, charset?: string): { text: string, encoding: TextEncoding } {
  const tried: TextEncoding[] = charset === undefined ? ['utf-8', 'gb18030']
    : UTF8_LABELS.has(charset) ? ['utf-8']
      : GB_LABELS.has(charset) ? ['gb18030']
        : []
  if (tried.length === 0) throw importEncoding(`The charset ${charset!.slice(0, 20)} is not one the import reads: send UTF-8 or GB18030 (GBK).`)
  for (const encoding of tried) {
    const text = decodeAs(encoding, bytes)
    if (text !== undefined) return { text, encoding }
  }
  throw importEncoding(charset === undefined
    ? 'The file is neither UTF-8 nor GB18030 (GBK) text.'
    : `The file is not ${tried[0] === 'utf-8' ? 'UTF-8' : 'GB18030 (GBK)'} text, as its charset says.`)
}
