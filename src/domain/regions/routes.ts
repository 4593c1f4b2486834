import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { pageQuery } from '../../http/paging.js'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { ANY_OFFICER } from '../identity/roles.js'
import { IfMatch, versioned, withEtag } from '../../http/etag.js'
import { Region, RegionCreate, RegionPage, RegionParams, RegionPatch, type RegionCreate as RegionCreateBody, type RegionPatch as RegionPatchBody } from './schemas.js'
import { createRegion, getRegion, listRegionChildren, patchRegion } from './service.js'

export default async function regionRoutes (app: FastifyInstance) {
  app.addSchema(Region)
  app.addSchema(RegionCreate)
  app.addSchema(RegionPage)
  app.addSchema(RegionPatch)

  app.post<{ Body: RegionCreateBody }>('/regions', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'createRegion',
      tags: ['regions'],
      summary: 'Create a township, village or hamlet under a region you administer',
      body: Type.Ref('RegionCreate'),
      response: { 201: Type.Ref('Region'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const region = await createRegion(app.db, actingOf(request), request.body)
    return reply.code(201).header('location', `/v1/regions/${region.code}`).send(region)
  })

  app.get<{ Params: { code: string } }>('/regions/:code', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getRegion',
      tags: ['regions'],
      summary: 'A region in your subtree',
      params: RegionParams,
      response: { 200: versioned('Region', 'The region.'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => withEtag(reply, await getRegion(app.db, actingOf(request), request.params.code)))

  app.patch<{ Params: { code: string }, Body: RegionPatchBody, Headers: { 'if-match'?: string } }>('/regions/:code', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'updateRegion',
      tags: ['regions'],
      summary: 'Rename a region of yours or set its report line (If-Match required)',
      params: RegionParams,
      headers: IfMatch,
      body: Type.Ref('RegionPatch'),
      response: { 200: versioned('Region', 'The changed region.'), ...problemResponses(400, 401, 403, 404, 412, 428) },
    },
  }, async (request, reply) => withEtag(reply,
    await patchRegion(app.db, actingOf(request), request.params.code, request.headers['if-match'], request.body)))

  app.get<{ Params: { code: string }, Querystring: { limit: number, cursor?: string } }>('/regions/:code/children', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'listRegionChildren',
      tags: ['regions'],
      summary: 'The regions directly under a region, by code',
      params: RegionParams,
      querystring: Type.Object(pageQuery, { additionalProperties: false }),
      response: { 200: Type.Ref('RegionPage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listRegionChildren(app.db, actingOf(request), request.params.code, request.query))
}
