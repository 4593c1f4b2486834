import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { RuleNodeSchema } from '../eligibility/rule-tree.js'
import { ANY_OFFICER } from '../identity/roles.js'
import {
  AmountSettings, Program, ProgramList, ProgramParams, ProgramSummary, RuleVersion, RuleVersionCreate, RuleVersionTransition, VersionParams, WorkflowSettings,
  type RuleVersionCreate as RuleVersionCreateBody, type RuleVersionTransition as RuleVersionTransitionBody,
} from './schemas.js'
import { createRuleVersion, getProgram, getRuleVersion, listProgramSummaries, transitionRuleVersion } from './service.js'

/** The programme catalogue and its rule versions. */
export default async function programRoutes (app: FastifyInstance) {
  for (const schema of [RuleNodeSchema, AmountSettings, WorkflowSettings, RuleVersionCreate, RuleVersion, ProgramSummary, ProgramList, Program, RuleVersionTransition]) app.addSchema(schema)

  app.get('/programs', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'listPrograms',
      tags: ['programmes'],
      summary: 'The programme catalogue, with each programme\'s active rule version',
      response: { 200: Type.Ref('ProgramList'), ...problemResponses(401, 403) },
    },
  }, async () => ({ items: await listProgramSummaries(app.db), nextCursor: null }))

  app.get<{ Params: { code: string } }>('/programs/:code', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getProgram',
      tags: ['programmes'],
      summary: 'A programme: its active rule version in full and its version history',
      params: ProgramParams,
      response: { 200: Type.Ref('Program'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getProgram(app.db, request.params.code))

  app.get<{ Params: { code: string, version: number } }>('/programs/:code/rule-versions/:version', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getRuleVersion',
      tags: ['programmes'],
      summary: 'One rule version of a programme',
      params: VersionParams,
      response: { 200: Type.Ref('RuleVersion'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getRuleVersion(app.db, request.params.code, request.params.version))

  app.post<{ Params: { code: string }, Body: RuleVersionCreateBody }>('/programs/:code/rule-versions', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'createRuleVersion',
      tags: ['programmes'],
      summary: 'Write a draft rule version (district administrators)',
      description: 'The draft applies to no one until another administrator activates it. Trees are checked against the fact vocabulary: '
        + 'an unknown fact or operator, or a value of the wrong type, is a 422 naming the path of the bad node.',
      params: ProgramParams,
      body: Type.Ref('RuleVersionCreate'),
      response: { 201: Type.Ref('RuleVersion'), ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const version = await createRuleVersion(app.db, actingOf(request), request.params.code, request.body)
    return reply.code(201).header('location', `/v1/programs/${version.programCode}/rule-versions/${version.version}`).send(version)
  })

  app.post<{ Params: { code: string, version: number }, Body: RuleVersionTransitionBody }>('/programs/:code/rule-versions/:version/transitions', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'transitionRuleVersion',
      tags: ['programmes'],
      summary: 'Activate or retire a rule version (four eyes: not by its author)',
      params: VersionParams,
      body: Type.Ref('RuleVersionTransition'),
      response: { 200: Type.Ref('RuleVersion'), ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => transitionRuleVersion(app.db, actingOf(request), request.params.code, request.params.version, request.body))
}
