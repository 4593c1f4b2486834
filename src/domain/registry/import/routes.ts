import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses, ProblemError } from '../../../http/problem.js'
import { auditContextOf } from '../../audit/context.js'
import { insertJob } from '../../jobs/repo.js'
import { requesterOf, toJob } from '../../jobs/service.js'
import { IMPORT_HOUSEHOLDS, importHouseholds, type ImportRequest } from './job.js'

const FORMATS: Record<string, ImportRequest['format']> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' }

/** Bulk import of households from a CSV or NDJSON file, as a job. */
export default async function importRoutes (app: FastifyInstance, options: { bodyLimit: number }) {
  app.jobs.register(IMPORT_HOUSEHOLDS, importHouseholds(app.pii))
  for (const type of Object.keys(FORMATS)) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => {
      try {
        done(null, new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer))
      } catch {
        done(new ProblemError(400, 'import_not_utf8', 'The file is not UTF-8 text.'), undefined)
      }
    })
  }

  app.post<{ Body: string }>('/imports/households', {
    config: { roles: ['registrar', 'admin'] },
    bodyLimit: options.bodyLimit,
    schema: {
      operationId: 'importHouseholds',
      tags: ['households'],
      summary: 'Import households from a CSV (Chinese or English header) or NDJSON file, as a job',
      description: 'CSV: one row per person, grouped by the household column; NDJSON: one household per line, '
        + 'exactly the body of POST /v1/households. See docs/registry.md for the columns.',
      body: {
        content: {
          'text/csv': { schema: Type.String({ description: 'UTF-8 CSV, header row first.' }) },
          'application/x-ndjson': { schema: Type.String({ description: 'One household JSON object per line.' }) },
        },
      },
      response: { 202: { ...Type.Ref('Job'), description: 'The import job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 413, 415) },
    },
  }, async (request, reply) => {
    const format = FORMATS[(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()]
    if (!format || typeof request.body !== 'string') {
      throw new ProblemError(415, 'unsupported_media_type', 'Send the file as text/csv or application/x-ndjson.')
    }
    const text = request.body
    if (text.trim() === '') throw new ProblemError(400, 'import_empty', 'The file is empty.')
    const context = auditContextOf(request)
    const job = await insertJob(app.db, {
      kind: IMPORT_HOUSEHOLDS,
      regionCode: request.actor!.regionCode,
      requestedBy: requesterOf(context),
      input: { format, context, keyId: app.pii.keyId, bytes: Buffer.byteLength(text) },
      payload: app.pii.encrypt(text),
    })
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })
}
