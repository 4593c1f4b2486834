import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { decodeCursor, encodeCursor } from '../../http/paging.js'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { ANY_OFFICER, type Role } from '../identity/roles.js'
import { idOf } from '../identity/schemas.js'
import { jobNotFound } from '../jobs/errors.js'
import { findJob } from '../jobs/repo.js'
import { toJob } from '../jobs/service.js'
import { formatFen } from '../money.js'
import { ProgramParams } from '../programs/schemas.js'
import { seesWholeIdNumber } from '../registry/people.js'
import { listOutcomes } from './repo.js'
import { REVIEW, SCREENING, SIMULATION } from './jobs.js'
import {
  Claim, Criterion, Evaluation, Explanation, EvaluationRequest, OutcomeItem, OutcomePage, OutcomeQuery, ScreeningRequest, SimulationRequest,
  type EvaluationRequest as EvaluationBody, type OutcomeItem as OutcomeItemBody, type ScreeningRequest as ScreeningBody, type SimulationRequest as SimulationBody,
} from './schemas.js'
import { evaluatePerson, startScreening, startSimulation } from './service.js'

/** Who may screen a region for candidates. */
const SCREENERS: readonly Role[] = ['registrar', 'investigator', 'reviewer', 'confirmer', 'admin']

const isOutcomeKey = (value: unknown): value is [string, number] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isSafeInteger(value[1])

export default async function eligibilityRoutes (app: FastifyInstance) {
  for (const schema of [EvaluationRequest, Criterion, Explanation, Claim, Evaluation, ScreeningRequest, SimulationRequest, OutcomeItem, OutcomePage]) app.addSchema(schema)

  app.post<{ Body: EvaluationBody }>('/eligibility/evaluations', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'evaluateEligibility',
      tags: ['eligibility'],
      summary: 'Does a person qualify for a programme on a date, and why',
      description: 'Evaluates the active rule version for one person (for a programme decided per claim, one claim of theirs) and answers every criterion with the person\'s value, and the amount and its funding split for the period.',
      body: Type.Ref('EvaluationRequest'),
      response: { 200: Type.Ref('Evaluation'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => evaluatePerson(app.db, actingOf(request), request.body))

  app.post<{ Params: { code: string }, Body: ScreeningBody }>('/programs/:code/screenings', {
    config: { roles: SCREENERS },
    schema: {
      operationId: 'screenProgram',
      tags: ['eligibility'],
      summary: 'Screen a region for a programme\'s candidates in a year, as a job',
      description: 'One set-based statement over the region\'s registry. The job\'s result holds qualifiedCount, candidateCount and where to page through the candidates.',
      params: ProgramParams,
      body: Type.Ref('ScreeningRequest'),
      response: { 202: { ...Type.Ref('Job'), description: 'The screening job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const job = await startScreening(app.db, actingOf(request), request.params.code, request.body)
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })

  app.post<{ Params: { code: string }, Body: ScreeningBody }>('/programs/:code/reviews', {
    config: { roles: SCREENERS },
    schema: {
      operationId: 'reviewProgram',
      tags: ['eligibility'],
      summary: 'The annual review of a programme in a region (动态管理), as a job',
      description: 'Re-evaluates every active and suspended beneficiary with the active rules as of the year\'s date and screens the region for '
        + 'new candidates. The job\'s result counts exits (each listed with the criterion it fails, for a confirmer to act on) and candidates; '
        + 'candidates become cases with POST /v1/cases/registrations.',
      params: ProgramParams,
      body: Type.Ref('ScreeningRequest'),
      response: { 202: { ...Type.Ref('Job'), description: 'The review job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const job = await startScreening(app.db, actingOf(request), request.params.code, request.body, 'review')
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })

  app.post<{ Params: { code: string }, Body: SimulationBody }>('/programs/:code/simulations', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'simulateRuleVersion',
      tags: ['programmes'],
      summary: 'What a rule version would change against the active one: who gains, who loses, the cost, as a job',
      params: ProgramParams,
      body: Type.Ref('SimulationRequest'),
      response: { 202: { ...Type.Ref('Job'), description: 'The simulation job; follow it at /v1/jobs/{id}.' }, ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const job = await startSimulation(app.db, actingOf(request), request.params.code, request.body)
    return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(toJob(job))
  })

  for (const [path, kind, operationId, summary] of [
    ['/screenings/:id/persons', SCREENING.kind, 'listScreeningPersons', 'The candidates a screening found, a page at a time'],
    ['/reviews/:id/persons', REVIEW.kind, 'listReviewPersons', 'The exits and candidates an annual review found, a page at a time'],
    ['/simulations/:id/persons', SIMULATION.kind, 'listSimulationPersons', 'The persons a simulation found would gain or lose eligibility, a page at a time'],
  ] as const) {
    app.get<{ Params: { id: string }, Querystring: { outcome?: string, limit: number, cursor?: string } }>(path, {
      config: { roles: ANY_OFFICER },
      schema: {
        operationId,
        tags: ['eligibility'],
        summary,
        params: idOf(`${kind.split('.')[1]} job`),
        querystring: OutcomeQuery,
        response: { 200: Type.Ref('OutcomePage'), ...problemResponses(400, 401, 403, 404) },
      },
    }, async (request) => {
      const acting = actingOf(request)
      const job = await findJob(app.db, request.params.id, acting.scope)
      if (!job || job.kind !== kind) throw jobNotFound(request.params.id)
      const { limit, outcome, cursor } = request.query
      const rows = await listOutcomes(app.db, job.id, acting.scope, { outcome, after: decodeCursor(cursor, isOutcomeKey) }, limit)
      const whole = seesWholeIdNumber(acting.actor)
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        // A person who has since left the caller's region is left out of the page.
        items: page.filter((row) => row.region_code !== null).map((row): OutcomeItemBody => ({
          personId: row.person_id,
          claimId: row.claim_id,
          householdId: row.household_id!,
          regionCode: row.region_code!,
          name: row.name!,
          idNumber: whole ? app.pii.decrypt(row.id_number_cipher!, row.id_number_key!) : row.id_number_masked!,
          outcome: row.outcome,
          failedOn: row.criterion,
          amount: row.amount_fen === null ? null : formatFen(Number(row.amount_fen)),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor([last.outcome, last.position]) : null,
      }
    })
  }
}

