import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../../http/problem.js'
import { actingOf } from '../../../plugins/auth.js'
import { enqueueJob } from '../../jobs/define.js'
import { toJob } from '../../jobs/service.js'
import { importEmpty, importMediaType, importNotUtf8 } from '../errors.js'
import { IMPORT_HOUSEHOLDS } from './job.js'

const FORMATS: Record<string, 'csv' | 'ndjson'> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' }

/** Bulk import of households from a CSV or NDJSON file, as a job. */
export default async function importRoutes (app: FastifyInstance, options: { bodyLimit: number }) {
  for (const type of Object.keys(FORMATS)) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => {
      try {
        done(null, new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer))
      } catch {
        done(importNotUtf8(), undefined)
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
    if (!format || typeof request.body !== 'string') throw importMediaType()
    const text = request.body
    if (text.trim() === '') throw importEmpty()
    const acting = actingOf(request)
    const job = await enqueueJob(app.db, acting, IMPORT_HOUSEHOLDS, { format, keyId: app.pii.keyId, bytes: Buffer.byteLength(text) }, {
      regionCode: acting.scope,
      payload: app.pii.encrypt(text),
    })
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })
}
