import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { idOf } from '../identity/schemas.js'
import { ANY_OFFICER } from '../identity/roles.js'
import type { Registry } from '../registry/service.js'
import {
  Case, CaseActor, CaseCreate, CaseListQuery, CaseRegistrations, CasePage, CaseSummary, CaseTransition, CaseTransitions, Notice, TimelineEntry, TransitionOutcome,
  type CaseCreate as CaseCreateBody, type CaseRegistrations as CaseRegistrationsBody, type CaseListQuery as CaseListQueryType, type CaseTransition as CaseTransitionBody,
  type CaseTransitions as CaseTransitionsBody,
} from './schemas.js'
import { getCase, listCases, registerCase, takeStep, takeSteps } from './service.js'
import { startRegistrations } from './registrations.js'
import { toJob } from '../jobs/service.js'

/** Cases: registration, reading, and the steps of the approval workflow, one at a time or in bulk. */
export default async function caseRoutes (app: FastifyInstance) {
  for (const schema of [CaseRegistrations, CaseActor, TimelineEntry, Notice, CaseCreate, CaseSummary, Case, CasePage, CaseTransition, CaseTransitions, TransitionOutcome]) app.addSchema(schema)
  const registry = (): Registry => ({ db: app.db, vault: app.pii })

  app.post<{ Body: CaseCreateBody }>('/cases', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'registerCase',
      tags: ['cases'],
      summary: 'Register a case: one subject applying to one programme',
      description: 'Taken in the role and at the region level the programme\'s workflow names for registration (a village registrar by default). '
        + 'The subject is checked with the evaluator as of the clock\'s today: one that does not qualify is refused (422 not_eligible, the failing '
        + 'criteria in errors) unless override.reason is given, which is audited. One open or active case per subject and programme (409 case_exists).',
      body: Type.Ref('CaseCreate'),
      response: { 201: Type.Ref('Case'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const registered = await registerCase(registry(), actingOf(request), request.body)
    return reply.code(201).header('location', `/v1/cases/${registered.id}`).send(registered)
  })

  app.post<{ Body: CaseRegistrationsBody }>('/cases/registrations', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'registerCandidates',
      tags: ['cases'],
      summary: 'Register a screening\'s candidates as cases, in bulk, as a job',
      description: 'By the role and at the level the workflow names for registration. Each candidate is registered or refused on its own '
        + '(not a candidate of the screening, outside your region, not the head for a household programme, a case already open); the job\'s '
        + 'result counts both and lists the refusals.',
      body: Type.Ref('CaseRegistrations'),
      response: { 202: { ...Type.Ref('Job'), description: 'The registration job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const job = await startRegistrations(app.db, actingOf(request), request.body)
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })

  app.get<{ Querystring: CaseListQueryType & { limit: number } }>('/cases', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'listCases',
      tags: ['cases'],
      summary: 'Cases of your region, by programme, state, region or subject',
      querystring: CaseListQuery,
      response: { 200: Type.Ref('CasePage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listCases(registry(), actingOf(request), request.query))

  app.get<{ Params: { id: string } }>('/cases/:id', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getCase',
      tags: ['cases'],
      summary: 'A case, its current notice, and the timeline of every step with its responsible officer',
      params: idOf('case'),
      response: { 200: Type.Ref('Case'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getCase(registry(), actingOf(request), request.params.id))

  app.post<{ Params: { id: string }, Body: CaseTransitionBody }>('/cases/:id/transitions', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'transitionCase',
      tags: ['cases'],
      summary: 'Take a step on a case: investigate, review, confirm, reject, withdraw, suspend, resume or exit',
      description: 'The acting officer comes from the token. Checked in this order, the first failure answering: the case in your region (404), '
        + 'the role (403 role_forbidden), your region level (403 wrong_level), four eyes (403 four_eyes), the state (409 transition_not_allowed), '
        + 'the notice (409 notice_running), an undecided objection (409 objection_open). See docs/workflow.md.',
      params: idOf('case'),
      body: Type.Ref('CaseTransition'),
      response: { 200: Type.Ref('Case'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => takeStep(registry(), actingOf(request), request.params.id, request.body))

  app.post<{ Body: CaseTransitionsBody }>('/cases/transitions', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'transitionCases',
      tags: ['cases'],
      summary: 'Take one step on up to 10,000 cases; each passes or fails on its own checks',
      body: Type.Ref('CaseTransitions'),
      response: { 200: Type.Ref('TransitionOutcome'), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => takeSteps(app.db, actingOf(request), request.body))
}
