/**
 * How column values arrive in JavaScript, the same on both engines:
 * bigint (fen, counts) as a safe integer number, numeric as a string, date as
 * 'YYYY-MM-DD' (a calendar date has no time zone), bytea as Buffer, timestamptz as Date
 * (the drivers' default).
 */
export const INT8_OID = 20
export const NUMERIC_OID = 1700
export const DATE_OID = 1082
export const BYTEA_OID = 17

export function parseInt8 (value: string): number {
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} is beyond the safe integer range`)
  return parsed
}

const asText = (value: string): string => value

/** bytea in PostgreSQL's hex output format: \\x0a1b… */
const asBuffer = (value: string): Buffer => Buffer.from(value.slice(2), 'hex')

export const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8_OID]: parseInt8,
  [NUMERIC_OID]: asText,
  [DATE_OID]: asText,
  [BYTEA_OID]: asBuffer,
}
