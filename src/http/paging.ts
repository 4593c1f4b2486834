import Type, { type TSchema } from 'typebox'
import { defineFieldProblem } from './problem.js'
import { findUncleanText } from './text.js'

const invalidCursor = defineFieldProblem(400, 'invalid_cursor', () => 'The cursor is not one this collection gave out.')

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 500

/** The query fields every collection takes. */
export const pageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Items per page (1–${MAX_LIMIT}).` })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'The nextCursor of the previous page.' })),
}

/** A collection page schema: { items, nextCursor }. */
export function pageOf (item: TSchema, $id: string, description: string) {
  return Type.Object({
    items: Type.Array(item, { description: 'The items of this page.' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor to get the next page; null on the last page.' }),
  }, { $id, additionalProperties: false, description })
}

export function encodeCursor (key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/**
 * Reads a cursor made by encodeCursor; anything else is a 400 problem naming the query
 * field. A cursor is checked after it is decoded, by the key's own test and by the one
 * rule for text: it reaches the database as the key of the collection's order.
 */
export function decodeCursor<T> (cursor: string | undefined, isKey: (value: unknown) => value is T): T | undefined {
  if (cursor === undefined) return undefined
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (isKey(key) && findUncleanText(key) === undefined) return key
  } catch {}
  throw invalidCursor('/query/cursor')
}

/** Cuts a result fetched with limit + 1 rows into a page. */
export function toPage<Row, Item> (rows: Row[], limit: number, keyOf: (row: Row) => unknown, toItem: (row: Row) => Item) {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items: items.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}

export const isString = (value: unknown): value is string => typeof value === 'string'
export const isInteger = (value: unknown): value is number => Number.isSafeInteger(value)
/** A row id: the key of most collections. */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
