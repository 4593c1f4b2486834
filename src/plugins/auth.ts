import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import type { Acting } from '../domain/identity/acting.js'
import type { TokenHolder } from '../domain/identity/actor.js'
import { roleForbidden, tokenExpired, tokenInvalid, tokenMissing, tokenRevoked } from '../domain/identity/errors.js'
import { findTokenHolder } from '../domain/identity/repo.js'
import type { Role } from '../domain/identity/roles.js'
import { acknowledgingTogether } from '../domain/identity/acknowledgements.js'
import { TokenCache } from '../domain/identity/token-cache.js'
import { hashToken, looksLikeToken } from '../domain/identity/tokens.js'
import { LISTENER_NAME } from '../db/database.js'
import { readAgainIfCut } from '../db/transaction.js'
import { ProblemError } from '../http/problem.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles that may call the route; every /v1 route must declare them. */
    roles?: readonly Role[]
  }
  interface FastifyInstance {
    /** The tokens this instance has looked up, kept for a few seconds. */
    tokens: TokenCache
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
  const tokens = new TokenCache()
  app.decorate('tokens', tokens)
  const acknowledge = app.database.engine === 'postgres'
    ? acknowledgingTogether(async (payloads) => {
        await sql`select pg_notify(${HEARD}, payload) from unnest(${payloads}::text[]) as payload`.execute(app.db)
          .catch((error: unknown) => app.log.warn({ err: error }, 'token changes not acknowledged'))
      })
    : () => {}
  const listening = await app.database.listen([CHANGED, HEARD], (channel, payload) => {
    if (channel === HEARD) return tokens.acknowledged(payload)
    tokens.changed(payload)
    acknowledge(payload)
  }, (heard) => tokens.setListening(heard))
  app.addHook('onClose', () => listening.close())

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

const CHANGED = 'huimin_tokens'
const HEARD = 'huimin_tokens_heard'

/**
 * Makes a change to tokens, officers or partners (the trigger notify_token_change
 * announces it with payload, the row's id) and answers once every instance of the
 * database has said it heard it, so that none takes a token from its cache after.
 * The instances are counted by their listening connections; one that does not answer
 * within two seconds (it died meanwhile) is not waited for longer.
 */
export async function changingTokens<T> (app: FastifyInstance, payload: string, change: () => Promise<T>): Promise<T> {
  const acknowledgements = app.tokens.expect(payload)
  let result: T
  try {
    result = await change()
  } finally {
    app.tokens.forget()
  }
  if (app.database.engine === 'postgres') {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_NAME}`.execute(app.db)
    await acknowledgements.until(rows[0]!.n)
  } else {
    await acknowledgements.until(0)
  }
  return result
}

async function authenticate (app: FastifyInstance, header: string | undefined): Promise<TokenHolder> {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '')
  if (!match) throw tokenMissing()
  const token = match[1]!
  if (!looksLikeToken(token)) throw tokenInvalid()
  const hash = hashToken(token)
  const key = hash.toString('base64')
  let holder = app.tokens.get(key)
  if (!holder) {
    const since = app.tokens.current
    holder = await readAgainIfCut(() => findTokenHolder(app.db, hash))
    if (!holder) throw tokenInvalid()
    app.tokens.keep(key, holder, since)
  }
  if (holder.status === 'revoked') throw tokenRevoked()
  if (holder.expired) throw tokenExpired()
  return holder.actor
}
