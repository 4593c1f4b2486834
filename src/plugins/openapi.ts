import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { problemResponses } from '../http/problem.js'

export const API_VERSION = '1.0.0'

const RETRY_AFTER = { type: 'integer', minimum: 1, description: 'Seconds to wait before trying again.' }

/** Answers every authenticated operation may give besides its own. */
const SHARED_RESPONSES = Object.fromEntries(Object.entries(problemResponses(429, 503)).map(([status, response]) =>
  [status, { ...(response as object), headers: { 'Retry-After': RETRY_AFTER } }]))

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
    // Each operation says which roles may call it, from the route's own declaration, and
    // that any authenticated request may meet a limit (429) or a database that cannot be
    // reached (503): those answers come from the authentication hook and the error
    // handler, not from the route.
    transform: ({ schema, url, route }) => {
      const roles = route.config?.roles
      if (!roles || !schema) return { schema, url }
      const who = `Roles: ${roles.join(', ')}.`
      const response = { ...(schema.response as Record<string, unknown> | undefined), ...SHARED_RESPONSES }
      return { schema: { ...schema, response, description: schema.description ? `${who}\n\n${schema.description}` : who }, url }
    },
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
