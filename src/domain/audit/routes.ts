import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { openAuditExport } from './export.js'
import { parseHead } from './head.js'
import {
  AuditActor, AuditEvent, AuditEventPage, AuditEventQuery, AuditExportQuery, AuditHead, AuditLaneHead, AuditVerification, AuditVerifyQuery,
  type AuditSinceQuery,
} from './schemas.js'
import { listAuditTrail, readTrailHead } from './service.js'
import { verifyAuditTrail } from './verify.js'

export default async function auditRoutes (app: FastifyInstance) {
  for (const schema of [AuditActor, AuditEvent, AuditEventPage, AuditVerification, AuditLaneHead, AuditHead]) app.addSchema(schema)

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

  app.get<{ Querystring: AuditSinceQuery }>('/audit/verify', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      operationId: 'verifyAuditTrail',
      tags: ['audit'],
      summary: 'Recompute the whole audit trail and say whether anything was altered or removed',
      description: 'With since (a head recorded from GET /v1/audit/head), also prove that the trail still extends that head: '
        + 'nothing sealed before it was removed or rewritten since. docs/audit.md says what each check finds.',
      querystring: AuditVerifyQuery,
      response: { 200: Type.Ref('AuditVerification'), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => verifyAuditTrail(app.db, {
    parallel: app.database.engine === 'postgres',
    ...(request.query.since ? { since: parseHead(request.query.since) } : {}),
  }))

  app.get('/audit/head', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      operationId: 'getAuditHead',
      tags: ['audit'],
      summary: 'The current head of the audit trail, for an auditor to record and check later with verify?since=',
      response: { 200: Type.Ref('AuditHead'), ...problemResponses(401, 403) },
    },
  }, async (request) => readTrailHead(app.db, actingOf(request)))

  app.get<{ Querystring: AuditSinceQuery }>('/audit/export', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      operationId: 'exportAuditTrail',
      tags: ['audit'],
      summary: 'The audit trail as NDJSON — rows, blocks and lane heads — for verifying it without this service',
      description: 'Streamed from one snapshot. Rows about regions outside yours carry only their seq, txid, format and hash. '
        + 'With since (a head recorded earlier), only what was sealed after it. tools/verify-audit-export.mjs checks a file; '
        + 'docs/audit.md describes every line.',
      querystring: AuditExportQuery,
      response: {
        200: {
          description: 'One JSON object a line: trail, start (with since), row, block, lane, end.',
          content: { 'application/x-ndjson': { schema: Type.String({ description: 'NDJSON, UTF-8.' }) } },
        },
        ...problemResponses(400, 401, 403, 409),
      },
    },
  }, async (request, reply) => {
    const lines = await openAuditExport(app.db, actingOf(request), request.query.since ? parseHead(request.query.since) : undefined)
    return reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audit-trail.ndjson"')
      .header('cache-control', 'no-store')
      .send(Readable.from(lines, { objectMode: false }))
  })
}
