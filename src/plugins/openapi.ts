import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { exact, withWhatTheServiceAdds, type OpenAPIDocument } from './openapi-exact.js'

export const API_VERSION = '1.0.0'

/** The OpenAPI document, generated from the routes, served at /openapi.json and browsable at /docs. */
export default fp(async function openapi (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Huimin',
        version: API_VERSION,
        summary: 'Family-planning incentive programmes: registry, eligibility, approval workflow, disbursement and audit.',
        description: 'Huimin runs a district\'s family-planning incentive programmes end to end. '
          + 'Every error is an RFC 9457 problem document (application/problem+json) with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/', description: 'The service that serves this document' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token issued to an officer or a partner system.' },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness and readiness for load balancers and orchestrators.' },
        { name: 'regions', description: 'The district → township → village → hamlet tree. Every officer sees one subtree.' },
        { name: 'officers', description: 'Staff, their roles and their regions.' },
        { name: 'partners', description: 'Systems of partner departments that ask whether a person qualifies.' },
        { name: 'tokens', description: 'Bearer tokens: shown once, stored as a hash, revocable.' },
        { name: 'audit', description: 'The append-only, tamper-evident audit trail.' },
        { name: 'households', description: 'The household registry: households and their members.' },
        { name: 'persons', description: 'Persons: their facts, family-planning events and bank accounts.' },
        { name: 'jobs', description: 'Long work (imports, screenings, batches) and its progress.' },
      ],
    },
    transform: ({ schema, url, route }) => ({ schema: schema && withWhatTheServiceAdds(schema, route.config), url }),
    transformObject: (document) => exact(('openapiObject' in document ? document.openapiObject : {}) as OpenAPIDocument),
    refResolver: {
      // Shared schemas keep their $id as the component name: #/components/schemas/Problem.
      buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`),
    },
  })
  // Swagger UI runs its own scripts and styles: its pages get a policy that allows
  // exactly those (by hash) and the service's own origin, in place of the API's
  // policy that allows nothing. upgrade-insecure-requests is dropped so that /docs
  // also works over plain HTTP on a private network.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true },
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['errors'] })
