import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { idOf } from '../identity/schemas.js'
import { ANY_OFFICER } from '../identity/roles.js'
import { getJob } from './service.js'

export default async function jobRoutes (app: FastifyInstance) {
  app.get<{ Params: { id: string } }>('/jobs/:id', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getJob',
      tags: ['jobs'],
      summary: 'How far a long job is, and its result once it has finished',
      params: idOf('job'),
      response: { 200: Type.Ref('Job'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getJob(app.db, actingOf(request), request.params.id))
}
