import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The headers a browser or a proxy needs to treat the service's answers safely:
 * helmet's set (nosniff, frame and referrer policies, HSTS …) with a content security
 * policy that lets an API answer load nothing at all, and `Cache-Control: no-store`
 * on every answer that does not set its own, so that no proxy or browser cache keeps
 * a household, a person, a bank account, an evaluation, a list or a job. /docs sets its
 * own policy (src/plugins/openapi.ts): Swagger UI runs scripts of its own.
 */
export default fp(async function securityHeaders (app: FastifyInstance) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ['\'none\''], frameAncestors: ['\'none\''], baseUri: ['\'none\''], formAction: ['\'none\''] },
    },
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    return payload
  })
}, { name: 'security-headers' })
