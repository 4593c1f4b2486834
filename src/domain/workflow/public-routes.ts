import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { systemActing } from '../identity/acting.js'
import { idOf } from '../identity/schemas.js'
import { noticeBoard, noticeBoardHtml } from './notice-board.js'
import { NoticeBoardQuery, PublicNotice, PublicNoticePage, type NoticeBoardQuery as NoticeBoardQueryType } from './notice-schemas.js'
import { PublicObjectionCreate, PublicObjectionReceipt, type PublicObjectionCreate as PublicObjectionBody } from './objection-schemas.js'
import { fileObjection } from './objections.js'
import { rateLimited } from './errors.js'
import { getRegion } from '../regions/service.js'

export interface PublicRouteOptions {
  /** The root region: the public's objections are audited as the service's, for the whole district. */
  districtCode: string
  /** Objections one client address may file per minute. */
  objectionsPerMinute: number
}

/** What the public may see and do without a token: read the notice board, and object against a posted notice. */
export default async function publicRoutes (app: FastifyInstance, options: PublicRouteOptions) {
  for (const schema of [PublicNotice, PublicNoticePage, PublicObjectionCreate, PublicObjectionReceipt]) app.addSchema(schema)

  app.get<{ Querystring: NoticeBoardQueryType & { limit: number } }>('/notices', {
    schema: {
      operationId: 'listPublicNotices',
      tags: ['public'],
      summary: 'The public notice board of a region: the cases under notice today (no token)',
      description: 'JSON, or a printable HTML page with Chinese labels (format=html, or Accept: text/html). Names and ID numbers are masked; '
        + 'nothing else about a person is shown.',
      security: [],
      querystring: NoticeBoardQuery,
      response: {
        200: {
          description: 'The notices posted today.',
          content: {
            'application/json': { schema: Type.Ref('PublicNoticePage') },
            'text/html': { schema: Type.String({ description: 'A printable page.' }) },
          },
        },
        ...problemResponses(400, 404),
      },
    },
  }, async (request, reply) => {
    const { region, format, limit, cursor } = request.query
    const page = await noticeBoard(app.db, app.clock, region, { limit, cursor })
    const html = format === 'html' || (format === undefined && reply.request.headers.accept?.includes('text/html'))
    if (!html) return reply.type('application/json').send(page)
    const board = await getRegion(app.db, systemActing('public board', region, app.clock), region)
    return reply.type('text/html; charset=utf-8').send(noticeBoardHtml(board.name, page.items))
  })

  app.post<{ Params: { id: string }, Body: PublicObjectionBody }>('/notices/:id/objections', {
    // Counted by the service's rate limiter (plugins/rate-limits.ts), per client address.
    config: {
      rateLimit: {
        max: options.objectionsPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => `public-objection:${request.ip}`,
        errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000)),
      },
    },
    schema: {
      operationId: 'fileObjection',
      tags: ['public'],
      summary: 'Object against a posted notice (no token; rate-limited per client address)',
      description: 'The notice must be on a board today. The objection holds the case where it stands until a reviewer or confirmer decides it. '
        + 'The answer is a receipt: nothing about the case.',
      security: [],
      params: idOf('notice'),
      body: Type.Ref('PublicObjectionCreate'),
      response: { 201: Type.Ref('PublicObjectionReceipt'), ...problemResponses(400, 404, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const acting = systemActing('the public', options.districtCode, app.clock, request.id)
    return reply.code(201).send(await fileObjection(app.db, acting, request.params.id, request.body))
  })
}
