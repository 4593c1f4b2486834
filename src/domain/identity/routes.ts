import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf, changingTokens } from '../../plugins/auth.js'
import { ROLES } from './roles.js'
import {
  idOf, IssuedToken, Officer, OfficerCreate, OfficerListQuery, OfficerPage, Partner, PartnerCreate, TokenRequest,
  type OfficerCreate as OfficerCreateBody, type PartnerCreate as PartnerCreateBody, type TokenRequest as TokenRequestBody,
} from './schemas.js'
import { createOfficer, createPartner, getOfficer, getPartner, issueToken, listOfficersIn, revokeToken, type TokenHolderRef } from './service.js'

type ById = { Params: { id: string } }

export default async function identityRoutes (app: FastifyInstance) {
  for (const schema of [Officer, OfficerCreate, OfficerPage, Partner, PartnerCreate, TokenRequest, IssuedToken]) app.addSchema(schema)

  app.post<{ Body: OfficerCreateBody }>('/officers', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'createOfficer',
      tags: ['officers'],
      summary: 'Register an officer with roles in a region you administer',
      body: Type.Ref('OfficerCreate'),
      response: { 201: Type.Ref('Officer'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const officer = await createOfficer(app.db, actingOf(request), request.body)
    return reply.code(201).header('location', `/v1/officers/${officer.id}`).send(officer)
  })

  app.get<{ Querystring: { region?: string, limit: number, cursor?: string } }>('/officers', {
    config: { roles: ['admin', 'auditor'] },
    schema: {
      operationId: 'listOfficers',
      tags: ['officers'],
      summary: 'Officers of your region, or of a region under it',
      querystring: OfficerListQuery,
      response: { 200: Type.Ref('OfficerPage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listOfficersIn(app.db, actingOf(request), request.query))

  app.get<ById>('/officers/:id', {
    config: { roles: ['admin', 'auditor'] },
    schema: {
      operationId: 'getOfficer',
      tags: ['officers'],
      summary: 'An officer of your region',
      params: idOf('officer'),
      response: { 200: Type.Ref('Officer'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getOfficer(app.db, actingOf(request), request.params.id))

  app.post<{ Body: PartnerCreateBody }>('/partners', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'createPartner',
      tags: ['partners'],
      summary: 'Register a partner department\'s system',
      body: Type.Ref('PartnerCreate'),
      response: { 201: Type.Ref('Partner'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const partner = await createPartner(app.db, actingOf(request), request.body)
    return reply.code(201).header('location', `/v1/partners/${partner.id}`).send(partner)
  })

  app.get<ById>('/partners/:id', {
    config: { roles: ['admin', 'auditor'] },
    schema: {
      operationId: 'getPartner',
      tags: ['partners'],
      summary: 'A partner system of your region',
      params: idOf('partner system'),
      response: { 200: Type.Ref('Partner'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getPartner(app.db, actingOf(request), request.params.id))

  for (const kind of ['officer', 'partner'] as const) {
    app.post<ById & { Body: TokenRequestBody | undefined }>(`/${kind}s/:id/tokens`, {
      config: { roles: ['admin'], bodyOptional: true },
      schema: {
        operationId: kind === 'officer' ? 'issueOfficerToken' : 'issuePartnerToken',
        tags: ['tokens'],
        summary: `Issue an API token to ${kind === 'officer' ? 'an officer' : 'a partner system'} (shown once)`,
        params: idOf(kind === 'officer' ? 'officer' : 'partner system'),
        body: Type.Ref('TokenRequest'),
        response: { 201: Type.Ref('IssuedToken'), ...problemResponses(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => {
      const holder: TokenHolderRef = { kind, id: request.params.id }
      const issued = await issueToken(app.db, actingOf(request), holder, request.body?.expiresAt)
      return reply.code(201).header('cache-control', 'no-store').send(issued)
    })
  }

  app.delete<ById>('/tokens/:id', {
    config: { roles: ROLES },
    schema: {
      operationId: 'revokeToken',
      tags: ['tokens'],
      summary: 'Revoke a token: any token of your region if you are an administrator, otherwise your own',
      params: idOf('token'),
      response: { 204: Type.Null({ description: 'Revoked.' }), ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    // Answered once every instance has heard of the revocation, so that no instance
    // takes the token from its cache after this answer.
    await changingTokens(app, request.params.id, () => revokeToken(app.db, actingOf(request), request.params.id))
    return reply.code(204).send()
  })
}
