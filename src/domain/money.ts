import Type from 'typebox'

/**
 * Money: integer fen (1 yuan = 100 fen) everywhere inside the service, a decimal
 * string with two fraction digits ("960.00", CNY) at the API. No floats on the way.
 */
export const MONEY_PATTERN = '^(0|[1-9][0-9]{0,11})[.][0-9]{2}$'

/** A money amount in the API. */
export const Money = (description: string) => Type.String({ pattern: MONEY_PATTERN, description: `${description} Yuan (CNY) with two decimals, e.g. "960.00".` })

export function toFen (yuan: string): number {
  const match = /^(0|[1-9][0-9]{0,11})[.]([0-9]{2})$/.exec(yuan)
  if (!match) throw new Error(`not a money amount: ${yuan}`)
  return Number(match[1]) * 100 + Number(match[2])
}

export function formatFen (fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new Error(`not an amount of fen: ${fen}`)
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

/**
 * Splits an amount by whole-percent shares so the parts add up to the amount exactly:
 * each part is rounded down, and the fen left over go, one each, to the shares with the
 * largest remainders (the first listed wins a tie).
 */
export function splitFen (fen: number, shares: ReadonlyArray<{ source: string, percent: number }>): Array<{ source: string, fen: number }> {
  const exact = shares.map((share, index) => ({ index, source: share.source, fen: Math.floor(fen * share.percent / 100), remainder: (fen * share.percent) % 100 }))
  let left = fen - exact.reduce((sum, part) => sum + part.fen, 0)
  for (const part of [...exact].sort((a, b) => b.remainder - a.remainder || a.index - b.index)) {
    if (left === 0) break
    part.fen++
    left--
  }
  return exact.map((part) => ({ source: part.source, fen: part.fen }))
}
