import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor } from '../domain/identity/actor.js'
import { findTokenHolder } from '../domain/identity/repo.js'
import type { Role } from '../domain/identity/roles.js'
import { hashToken, looksLikeToken } from '../domain/identity/tokens.js'
import { ProblemError } from '../http/problem.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles that may call the route; every /v1 route must declare them. */
    roles?: readonly Role[]
  }
  interface FastifyRequest {
    /** The caller, from the bearer token; null on public routes. */
    actor: Actor | null
    /** The first of the route's roles that the caller holds. */
    actingRole: Role | null
  }
}

class Unauthorized extends ProblemError {
  constructor (code: string, detail: string) {
    super(401, code, detail)
  }
}

/**
 * Authentication and role checks. The caller's identity comes from the bearer token
 * alone; a /v1 route that does not declare its roles stops the service from starting.
 */
export default fp(async function auth (app: FastifyInstance) {
  app.decorateRequest('actor', null)
  app.decorateRequest('actingRole', null)

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1') && !route.config?.roles?.length) {
      throw new Error(`${route.method} ${route.url} declares no roles`)
    }
  })

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles
    if (!roles) return
    try {
      request.actor = await authenticate(app, request.headers.authorization)
    } catch (error) {
      if (error instanceof Unauthorized) reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${error.message}"`)
      throw error
    }
    const acting = roles.find((role) => request.actor!.roles.includes(role))
    if (!acting) {
      throw new ProblemError(403, 'role_forbidden', `This needs one of the roles ${roles.join(', ')}; your token carries ${request.actor.roles.join(', ')}.`)
    }
    request.actingRole = acting
  })
}, { name: 'auth', dependencies: ['database'] })

async function authenticate (app: FastifyInstance, header: string | undefined): Promise<Actor> {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '')
  if (!match) throw new Unauthorized('token_missing', 'Send an API token: Authorization: Bearer <token>.')
  const token = match[1]!
  const holder = looksLikeToken(token) ? await findTokenHolder(app.db, hashToken(token)) : undefined
  if (!holder) throw new Unauthorized('token_invalid', 'The token is not one this service issued.')
  if (holder.status === 'revoked') throw new Unauthorized('token_revoked', 'The token has been revoked.')
  if (holder.expired) throw new Unauthorized('token_expired', 'The token has expired.')
  return holder.actor
}
