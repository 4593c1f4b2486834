import { createHash, randomBytes } from 'node:crypto'

const TOKEN = /^hm_[A-Za-z0-9_-]{43}$/
const DAY_MS = 24 * 60 * 60 * 1000

/** Tokens live a year unless the request says otherwise. */
export const DEFAULT_TOKEN_LIFETIME_MS = 365 * DAY_MS

/** A new bearer token: 32 random bytes, base64url, with a prefix that makes it recognisable in a leak scan. */
export function generateToken (): string {
  return `hm_${randomBytes(32).toString('base64url')}`
}

export function looksLikeToken (value: string): boolean {
  return TOKEN.test(value)
}

/** Tokens are stored only as this hash. They carry 256 random bits, so a fast hash is enough. */
export function hashToken (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
