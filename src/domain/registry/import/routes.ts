import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../../http/problem.js'
import { actingOf } from '../../../plugins/auth.js'
import { enqueueJob } from '../../jobs/define.js'
import { toJob } from '../../jobs/service.js'
import { importEmpty, importMediaType } from '../errors.js'
import { ImportJob, ImportResult } from '../schemas.js'
import { charsetOf, decodeText } from './decode.js'
import { IMPORT_HOUSEHOLDS } from './job.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const FORMATS: Record<string, 'csv' | 'ndjson' | 'xlsx'> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', [XLSX]: 'xlsx' }

/** A file's bytes, as they came: the route decodes them, so a GBK file is read, not refused by the parser. */
const fileBytes = (contentMediaType: string, description: string) => Type.Unsafe<Buffer>({ contentMediaType, description })

/** Bulk import of households from a CSV, NDJSON or Excel (.xlsx) file, as a job. */
export default async function importRoutes (app: FastifyInstance, options: { bodyLimit: number }) {
  for (const schema of [ImportResult, ImportJob]) app.addSchema(schema)
  for (const type of Object.keys(FORMATS)) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => { done(null, body) })
  }

  app.post<{ Body: Buffer }>('/imports/households', {
    config: { roles: ['registrar', 'admin'] },
    bodyLimit: options.bodyLimit,
    schema: {
      operationId: 'importHouseholds',
      tags: ['households'],
      summary: 'Import households from a CSV or Excel workbook (Chinese or English header) or an NDJSON file, as a job',
      description: 'CSV: one row per person, grouped by the household column; NDJSON: one household per line, '
        + 'exactly the body of POST /v1/households. Text is UTF-8 (with or without a byte order mark) or GB18030/GBK: '
        + 'as the charset parameter says, or, without one, UTF-8 if the bytes are UTF-8 and GB18030 otherwise. '
        + 'The job\'s result says which was read. See docs/registry.md for the columns.',
      body: {
        content: {
          'text/csv': { schema: fileBytes('text/csv', 'CSV, header row first; UTF-8 or GB18030 (GBK).') },
          'application/x-ndjson': { schema: fileBytes('application/x-ndjson', 'One household JSON object per line; UTF-8 or GB18030 (GBK).') },
          [XLSX]: { schema: fileBytes(XLSX, 'An Excel workbook: its first sheet, header row first, the CSV\'s columns.') },
        },
      },
      response: { 202: { ...Type.Ref('ImportJob'), description: 'The import job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 413, 415) },
    },
  }, async (request, reply) => {
    const contentType = request.headers['content-type'] ?? ''
    const format = FORMATS[contentType.split(';')[0]!.trim().toLowerCase()]
    if (!format || !Buffer.isBuffer(request.body)) throw importMediaType()
    const acting = actingOf(request)
    if (request.body.length === 0) throw importEmpty()
    // A workbook is read by the job; text is decoded here, so the job gets UTF-8.
    const { text, encoding } = format === 'xlsx' ? { text: undefined, encoding: null } : decodeText(request.body, charsetOf(contentType))
    if (text !== undefined && text.trim() === '') throw importEmpty()
    const job = await enqueueJob(app.db, acting, IMPORT_HOUSEHOLDS, { format, encoding, keyId: app.pii.keyId, bytes: request.body.length }, {
      regionCode: acting.scope,
      payload: app.pii.encrypt(text ?? request.body),
    })
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })
}
