import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { sql, type Kysely } from 'kysely'
import Type from 'typebox'
import type { DB } from '../db/types.js'
import { defineProblem } from '../http/problem.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set for creating requests (POST answering 201 or 202): they honour Idempotency-Key. */
    idempotent?: boolean
  }
  interface FastifyRequest {
    /** The key this request holds while it runs, to store its answer under. */
    idempotencyKey: { holder: string, key: string } | null
  }
}

export const idempotencyKeyReused = defineProblem(422, 'idempotency_key_reused', () =>
  'This Idempotency-Key was used for a different request: send a new key for a new request.')
export const idempotencyKeyInFlight = defineProblem(409, 'idempotency_key_in_flight', () =>
  'The first request with this Idempotency-Key is still running: ask again once it has answered.')

const HEADER = 'idempotency-key'
/** A key still running after this long belongs to a request that died: it may be taken over. */
const ABANDONED_AFTER_MS = 5 * 60_000
/** Keys and their answers are kept this long. */
const KEPT_FOR_HOURS = 24

const KeyHeader = Type.String({
  minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$',
  description: 'Makes the request safe to retry: the same key with the same request answers the first answer again (with Idempotent-Replayed: true) '
    + 'instead of creating twice; with another request, 422 idempotency_key_reused; while the first still runs, 409 idempotency_key_in_flight. '
    + `Kept ${KEPT_FOR_HOURS} hours, per caller. 1–255 visible ASCII characters; a UUID is a good key.`,
})

/** A creating operation: an authenticated POST answering 201 (created) or 202 (a job accepted). */
function isCreating (route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const responses = Object.keys((route.schema?.response ?? {}) as Record<string, unknown>)
  return methods.includes('POST') && Boolean(route.config?.roles?.length) && (responses.includes('201') || responses.includes('202'))
}

/** The same JSON whatever the order of its keys. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`
  }
  return JSON.stringify(typeof value === 'string' || Buffer.isBuffer(value) ? String(value) : value) ?? 'null'
}

function requestHash (request: FastifyRequest): Buffer {
  return createHash('sha256').update(`${request.method} ${request.url}\n${canonical(request.body)}`).digest()
}

/** Forgets keys older than a day: run by the job runner's sweep. */
export async function purgeIdempotencyKeys (db: Kysely<DB>): Promise<void> {
  await sql`delete from idempotency_keys where created_at < now() - ${KEPT_FOR_HOURS} * interval '1 hour'`.execute(db)
}

/**
 * Idempotency-Key on every creating request (DESIGN §6): declared as a header parameter
 * of each such operation; the first request with a key is recorded with a hash of the
 * request, and its answer (encrypted under the PII key: answers name people) replayed to
 * the same caller for the same request. A 5xx is not kept, so a retry runs again.
 */
export default fp(async function idempotency (app: FastifyInstance) {
  app.decorateRequest('idempotencyKey', null)

  app.addHook('onRoute', (route) => {
    if (!isCreating(route)) return
    route.config = { ...route.config, idempotent: true }
    const schema = route.schema ?? (route.schema = {})
    const headers = (schema.headers ?? Type.Object({})) as { properties?: Record<string, unknown> }
    schema.headers = { ...headers, properties: { ...headers.properties, [HEADER]: KeyHeader } }
  })

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers[HEADER]
    if (!request.routeOptions.config.idempotent || typeof key !== 'string' || !request.acting) return
    const holder = `${request.acting.actor.kind}:${request.acting.actor.id}`
    const hash = requestHash(request)
    const claimed = await sql<{ key: string }>`
      insert into idempotency_keys (holder, key, request_hash, status) values (${holder}, ${key}, ${hash}, 'running')
      on conflict (holder, key) do update set request_hash = excluded.request_hash, status = 'running', created_at = now()
        where idempotency_keys.status = 'running' and idempotency_keys.request_hash = excluded.request_hash
          and idempotency_keys.created_at < now() - ${ABANDONED_AFTER_MS} * interval '1 millisecond'
      returning key
    `.execute(app.db)
    if (claimed.rows.length > 0) {
      request.idempotencyKey = { holder, key }
      return
    }
    const first = await app.db.selectFrom('idempotency_keys').selectAll().where('holder', '=', holder).where('key', '=', key).executeTakeFirst()
    if (!first) throw idempotencyKeyInFlight()
    if (!first.request_hash.equals(hash)) throw idempotencyKeyReused()
    if (first.status !== 'done') throw idempotencyKeyInFlight()
    reply.code(first.response_status!).header('idempotent-replayed', 'true')
    if (first.response_type) reply.type(first.response_type)
    if (first.response_location) reply.header('location', first.response_location)
    return reply.send(first.response_body ? app.pii.decrypt(first.response_body, first.response_key!) : undefined)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotencyKey
    if (!held) return payload
    request.idempotencyKey = null
    if (reply.statusCode >= 500 || (payload !== undefined && payload !== null && typeof payload !== 'string')) {
      await app.db.deleteFrom('idempotency_keys').where('holder', '=', held.holder).where('key', '=', held.key).execute()
      return payload
    }
    const type = reply.getHeader('content-type')
    const location = reply.getHeader('location')
    await app.db.updateTable('idempotency_keys').set({
      status: 'done',
      response_status: reply.statusCode,
      response_type: typeof type === 'string' ? type : null,
      response_location: typeof location === 'string' ? location : null,
      response_body: typeof payload === 'string' ? app.pii.encrypt(payload) : null,
      response_key: app.pii.keyId,
    }).where('holder', '=', held.holder).where('key', '=', held.key).execute()
    return payload
  })
}, { name: 'idempotency', dependencies: ['database', 'pii', 'auth'] })
