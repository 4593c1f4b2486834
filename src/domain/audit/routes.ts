import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { AuditActor, AuditEvent, AuditEventPage, AuditEventQuery, AuditVerification } from './schemas.js'
import { listAuditTrail } from './service.js'
import { verifyAuditTrail } from './verify.js'

export default async function auditRoutes (app: FastifyInstance) {
  for (const schema of [AuditActor, AuditEvent, AuditEventPage, AuditVerification]) app.addSchema(schema)

  app.get<{ Querystring: AuditEventQuery }>('/audit-events', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      operationId: 'listAuditEvents',
      tags: ['audit'],
      summary: 'The audit trail of your region, oldest first, filtered by entity, officer and time',
      querystring: AuditEventQuery,
      response: { 200: Type.Ref('AuditEventPage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listAuditTrail(app.db, actingOf(request), request.query))

  app.get('/audit/verify', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      operationId: 'verifyAuditTrail',
      tags: ['audit'],
      summary: 'Recompute the whole audit trail and say whether anything was altered or removed',
      response: { 200: Type.Ref('AuditVerification'), ...problemResponses(401, 403) },
    },
  }, async () => verifyAuditTrail(app.db, { parallel: app.database.engine === 'postgres' }))
}
