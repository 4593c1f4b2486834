import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import type { Registry } from '../registry/service.js'
import { ReferenceParams, Verification, VerificationQuery, type VerificationQuery as VerificationQueryType } from './schemas.js'
import { getVerification, verify } from './service.js'

/** Partner departments ask whether a person holds a benefit, and read their answers back. */
export default async function partnerRoutes (app: FastifyInstance) {
  app.addSchema(Verification)
  const registry = (): Registry => ({ db: app.db, vault: app.pii })

  app.get<{ Querystring: VerificationQueryType }>('/verifications', {
    config: { roles: ['partner'] },
    schema: {
      operationId: 'verifyBenefit',
      tags: ['partners'],
      summary: 'Does a person hold a benefit? (partner systems)',
      description: 'Answers qualified or not, with a reference, and nothing about the person or the household. An ID number nobody in your region '
        + 'holds and one whose holder does not qualify get the same answer; a malformed one (a wrong check digit) is a 422. A benefit your system '
        + 'is not registered for is a 403. Every question is audited with your system\'s name, the purpose and the answer. See docs/partners.md.',
      querystring: VerificationQuery,
      response: { 200: Type.Ref('Verification'), ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return verify(registry(), actingOf(request), request.query)
  })

  app.get<{ Params: { reference: string } }>('/verifications/:reference', {
    config: { roles: ['partner', 'auditor'] },
    schema: {
      operationId: 'getVerification',
      tags: ['partners'],
      summary: 'An answer read back: by the partner that asked, or an auditor of its region',
      params: ReferenceParams,
      response: { 200: Type.Ref('Verification'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getVerification(app.db, actingOf(request), request.params.reference))
}
