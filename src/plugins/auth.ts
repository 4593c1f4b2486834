import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Acting } from '../domain/identity/acting.js'
import type { TokenHolder } from '../domain/identity/actor.js'
import { roleForbidden, tokenExpired, tokenInvalid, tokenMissing, tokenRevoked } from '../domain/identity/errors.js'
import { findTokenHolder } from '../domain/identity/repo.js'
import type { Role } from '../domain/identity/roles.js'
import { hashToken, looksLikeToken } from '../domain/identity/tokens.js'
import { readAgainIfCut } from '../db/transaction.js'
import { ProblemError } from '../http/problem.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles that may call the route; every /v1 route must declare them. */
    roles?: readonly Role[]
  }
  interface FastifyRequest {
    /** Who is acting, from the bearer token; null on public routes. */
    acting: Acting | null
  }
}

/** The acting caller of an authenticated route. */
export function actingOf (request: FastifyRequest): Acting {
  if (!request.acting) throw new Error(`${request.routeOptions.url} is not an authenticated route`)
  return request.acting
}

/**
 * Authentication and role checks. The caller's identity comes from the bearer token
 * alone; a /v1 route that does not declare its roles stops the service from starting.
 * The request's Acting is built here, once: its role is the first of the route's
 * roles the caller holds, until a step of a state machine names the one it needs.
 * The limits apply here too: an address that failed to authenticate too often is
 * refused before its token is looked up, and every authenticated request counts
 * against its partner's or its token's limit, whatever it then asks.
 */
export default fp(async function auth (app: FastifyInstance) {
  app.decorateRequest('acting', null)

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1') && !route.config?.roles?.length) {
      throw new Error(`${route.method} ${route.url} declares no roles`)
    }
  })

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles
    if (!roles) return
    await app.limits.refuseBlockedAddress(request, reply)
    let actor: TokenHolder
    try {
      actor = await authenticate(app, request.headers.authorization)
    } catch (error) {
      if (error instanceof ProblemError && error.status === 401) {
        await app.limits.countFailedAuthentication(request, reply)
        reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${error.message}"`)
      }
      throw error
    }
    await app.limits.countCaller(request, reply, actor)
    const role = roles.find((each) => actor.roles.includes(each))
    if (!role) throw roleForbidden(roles, actor.roles)
    request.acting = { actor, role, scope: actor.regionCode, requestId: request.id, clock: app.clock }
  })
}, { name: 'auth', dependencies: ['database', 'clock', 'rate-limits'] })

async function authenticate (app: FastifyInstance, header: string | undefined): Promise<TokenHolder> {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '')
  if (!match) throw tokenMissing()
  const token = match[1]!
  const holder = looksLikeToken(token) ? await readAgainIfCut(() => findTokenHolder(app.db, hashToken(token))) : undefined
  if (!holder) throw tokenInvalid()
  if (holder.status === 'revoked') throw tokenRevoked()
  if (holder.expired) throw tokenExpired()
  return holder.actor
}
