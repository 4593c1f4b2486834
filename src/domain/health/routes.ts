import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { declareProblemCodes, problemResponses } from '../../http/problem.js'
import { sendProblem } from '../../plugins/errors.js'
import { Liveness, Readiness } from './schemas.js'

declareProblemCodes(503, 'database_unreachable')

export default async function healthRoutes (app: FastifyInstance) {
  app.addSchema(Liveness)
  app.addSchema(Readiness)

  app.get('/health/live', {
    schema: {
      operationId: 'getLiveness',
      tags: ['health'],
      summary: 'Whether the process is up',
      security: [],
      response: { 200: Type.Ref('Liveness') },
    },
  }, async () => ({ status: 'live' as const }))

  app.get('/health/ready', {
    schema: {
      operationId: 'getReadiness',
      tags: ['health'],
      summary: 'Whether the service can take requests (its database answers)',
      security: [],
      response: { 200: Type.Ref('Readiness'), ...problemResponses(503) },
    },
  }, async (request, reply) => {
    if (await app.database.isReachable()) return { status: 'ready' as const, engine: app.database.engine }
    return sendProblem(request, reply, 503, 'database_unreachable', 'The database does not answer.')
  })
}
