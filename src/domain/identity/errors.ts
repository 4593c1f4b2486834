import { defineProblem } from '../../http/problem.js'
import { notFound } from '../entities.js'

export const tokenMissing = defineProblem(401, 'token_missing', () => 'Send an API token: Authorization: Bearer <token>.')
export const tokenInvalid = defineProblem(401, 'token_invalid', () => 'The token is not one this service issued.')
export const tokenRevoked = defineProblem(401, 'token_revoked', () => 'The token has been revoked.')
export const tokenExpired = defineProblem(401, 'token_expired', () => 'The token has expired.')

export const roleForbidden = defineProblem(403, 'role_forbidden', (needed: readonly string[], held: readonly string[]) =>
  `This needs ${needed.length === 1 ? 'the role' : 'one of the roles'} ${needed.join(', ')}; your token carries ${held.join(', ') || 'none'}.`)

export const rateLimited = defineProblem(429, 'rate_limited', (limit: 'partner' | 'token' | 'address', perMinute: number, retryAfterS: number) =>
  `${limit === 'partner' ? `This partner may make ${perMinute} requests a minute`
    : limit === 'token' ? `This token may make ${perMinute} requests a minute`
      : `This address failed to authenticate more than ${perMinute} times this minute`}; try again in ${retryAfterS} s.`)

export const expiryNotInFuture = defineProblem(422, 'expiry_not_in_future', () => 'expiresAt must be in the future.')

export const officerNotFound = notFound('officer')
export const partnerNotFound = notFound('partner')
export const tokenNotFound = notFound('api_token')
