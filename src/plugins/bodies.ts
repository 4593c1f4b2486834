import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes a body but needs none: no body means `{}` (the defaults). */
    bodyOptional?: boolean
  }
}

/**
 * What a request body may be. The API speaks JSON: any other media type is a 415
 * (Fastify would otherwise read text/plain as a string and answer the schema's 400);
 * routes that take files add their own parsers. A route marked `bodyOptional` reads a
 * missing body as `{}`, and the OpenAPI document says the body is optional.
 */
export default fp(async function bodies (app: FastifyInstance) {
  app.removeContentTypeParser('text/plain')
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.bodyOptional) request.body ??= {}
  })
}, { name: 'bodies' })
