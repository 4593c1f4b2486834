/**
 * How column values arrive in JavaScript, the same on both engines:
 * bigint (fen, counts) as a safe integer number, numeric as a string, date as
 * 'YYYY-MM-DD' (a calendar date has no time zone), timestamptz as Date (the drivers' default).
 */
export const INT8_OID = 20
export const NUMERIC_OID = 1700
export const DATE_OID = 1082

export function parseInt8 (value: string): number {
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} is beyond the safe integer range`)
  return parsed
}

const asText = (value: string): string => value

export const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8_OID]: parseInt8,
  [NUMERIC_OID]: asText,
  [DATE_OID]: asText,
}
