import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { ANY_OFFICER } from '../identity/roles.js'
import { idOf } from '../identity/schemas.js'
import {
  Objection, ObjectionCreate, ObjectionListQuery, ObjectionPage, ObjectionTransition,
  type ObjectionCreate as ObjectionCreateBody, type ObjectionListQuery as ObjectionListQueryType, type ObjectionTransition as ObjectionTransitionBody,
} from './objection-schemas.js'
import { decideObjection, getObjection, listObjections, logObjection } from './objections.js'

/** Objections (举报): logged by officers at any level, decided by reviewers and confirmers. */
export default async function objectionRoutes (app: FastifyInstance) {
  for (const schema of [ObjectionCreate, Objection, ObjectionPage, ObjectionTransition]) app.addSchema(schema)

  app.post<{ Params: { id: string }, Body: ObjectionCreateBody }>('/cases/:id/objections', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'logObjection',
      tags: ['objections'],
      summary: 'Log an objection against a case (any officer whose region contains it)',
      description: 'It holds the case where it stands until a reviewer or confirmer decides it.',
      params: idOf('case'),
      body: Type.Ref('ObjectionCreate'),
      response: { 201: Type.Ref('Objection'), ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const objection = await logObjection(app.db, actingOf(request), request.params.id, request.body)
    return reply.code(201).header('location', `/v1/objections/${objection.id}`).send(objection)
  })

  app.get<{ Querystring: ObjectionListQueryType & { limit: number } }>('/objections', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'listObjections',
      tags: ['objections'],
      summary: 'Objections to cases of your region, by state, case or region',
      querystring: ObjectionListQuery,
      response: { 200: Type.Ref('ObjectionPage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listObjections(app.db, actingOf(request), request.query))

  app.get<{ Params: { id: string } }>('/objections/:id', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getObjection',
      tags: ['objections'],
      summary: 'An objection',
      params: idOf('objection'),
      response: { 200: Type.Ref('Objection'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getObjection(app.db, actingOf(request), request.params.id))

  app.post<{ Params: { id: string }, Body: ObjectionTransitionBody }>('/objections/:id/transitions', {
    config: { roles: ['reviewer', 'confirmer'] },
    schema: {
      operationId: 'transitionObjection',
      tags: ['objections'],
      summary: 'Investigate, uphold or dismiss an objection (a reviewer or confirmer of the case\'s region; a reason each time)',
      description: 'Upheld, it rejects the case, or exits a beneficiary; dismissed, it lets the case go on.',
      params: idOf('objection'),
      body: Type.Ref('ObjectionTransition'),
      response: { 200: Type.Ref('Objection'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => decideObjection(app.db, actingOf(request), request.params.id, request.body))
}
