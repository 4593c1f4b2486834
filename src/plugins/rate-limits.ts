import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import type { TokenHolder } from '../domain/identity/actor.js'
import { rateLimited } from '../domain/identity/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The request limits: per partner, per token, and on failed authentication per client address. */
    limits: RequestLimits
  }
}

export interface RequestLimits {
  /** Refuses, without counting, a request from an address over its failed-authentication limit. */
  refuseBlockedAddress (request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** Counts a failed authentication of the request's address; over the limit, refuses it. */
  countFailedAuthentication (request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** Counts a request of an authenticated caller: a partner at its registered rate (all its tokens together), an officer per token. */
  countCaller (request: FastifyRequest, reply: FastifyReply, caller: TokenHolder): Promise<void>
  /** Where the counts are kept. */
  readonly store: 'memory' | 'redis'
}

export interface RateLimitOptions {
  perTokenPerMinute: number
  authFailuresPerMinute: number
  /** Set: counts are kept in this Redis, shared by every instance. */
  redisUrl?: string | undefined
}

const MINUTE_MS = 60_000

type Limit = { kind: 'partner' | 'token' | 'address', key: string, max: number }

/**
 * Request limits, counted by @fastify/rate-limit in a fixed window of one minute: in
 * memory on one instance, or in Redis when REDIS_URL is set so that several instances
 * share them. When Redis cannot be reached the limits are not applied (the service
 * stays up; a warning is logged) rather than refusing every request.
 */
export default fp(async function rateLimits (app: FastifyInstance, options: RateLimitOptions) {
  const redis = options.redisUrl ? await connectRedis(app, options.redisUrl) : undefined
  const limits = new WeakMap<FastifyRequest, Limit>()
  await app.register(rateLimit, {
    global: false,
    timeWindow: MINUTE_MS,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: 'huimin:limit:' } : {}),
    keyGenerator: (request) => limits.get(request)!.key,
    max: (request) => limits.get(request)!.max,
  })
  const count = app.createRateLimit()

  const apply = async (request: FastifyRequest, reply: FastifyReply, limit: Limit, increment: boolean) => {
    limits.set(request, limit)
    const state = await count(request, { increment })
    if (state.isAllowed) return
    if (!state.isExceeded) {
      if (limit.kind !== 'address') {
        reply.header('x-ratelimit-limit', state.max).header('x-ratelimit-remaining', state.remaining).header('x-ratelimit-reset', state.ttlInSeconds)
      }
      return
    }
    const retryAfter = Math.max(1, state.ttlInSeconds)
    reply.header('retry-after', String(retryAfter))
    if (limit.kind !== 'address') reply.header('x-ratelimit-limit', state.max).header('x-ratelimit-remaining', 0).header('x-ratelimit-reset', retryAfter)
    throw rateLimited(limit.kind, limit.max, retryAfter)
  }
  const address = (request: FastifyRequest): Limit =>
    ({ kind: 'address', key: `address:${normalizeIP(request.ip)}`, max: options.authFailuresPerMinute })

  app.decorate('limits', {
    store: redis ? 'redis' : 'memory',
    refuseBlockedAddress: (request, reply) => apply(request, reply, address(request), false),
    countFailedAuthentication: (request, reply) => apply(request, reply, address(request), true),
    countCaller: (request, reply, caller) => apply(request, reply, caller.kind === 'partner'
      ? { kind: 'partner', key: `partner:${caller.id}`, max: caller.rateLimitPerMinute ?? options.perTokenPerMinute }
      : { kind: 'token', key: `token:${caller.tokenId}`, max: options.perTokenPerMinute }, true),
  } satisfies RequestLimits)
}, { name: 'rate-limits', dependencies: ['errors'] })

/**
 * A Redis connection that never queues commands while it is down (a limit answered
 * late is no limit) and reports trouble once a minute, not once per reconnection. The
 * service waits up to two seconds for it at start, so that the first requests are
 * counted too; past that it starts without, and counts once Redis answers.
 */
async function connectRedis (app: FastifyInstance, url: string): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000 })
  let lastReport = 0
  redis.on('error', (error: Error & { code?: string }) => {
    if (Date.now() - lastReport < MINUTE_MS) return
    lastReport = Date.now()
    app.log.warn({ errorCode: error.code, errorType: error.name }, 'redis unavailable: request limits are not applied until it answers')
  })
  app.addHook('onClose', async () => { await redis.quit().catch(() => redis.disconnect()) })
  let timer: NodeJS.Timeout | undefined
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 2000)
    redis.once('ready', resolve)
  })
  clearTimeout(timer)
  return redis
}
