import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { idOf } from '../identity/schemas.js'
import { ANY_OFFICER } from '../identity/roles.js'
import { getBankAccount, setBankAccount } from './bank-accounts.js'
import { listPersonEvents, recordPersonEvent } from './events.js'
import type { Registry } from './service.js'
import {
  BankAccount, BankAccountSet, PersonEvent, PersonEventCreate, PersonEventList,
  type BankAccountSet as BankAccountSetBody, type PersonEventCreate as PersonEventCreateBody,
} from './schemas.js'

/** A person's family-planning events and bank account. */
export default async function personFactRoutes (app: FastifyInstance) {
  for (const schema of [PersonEvent, PersonEventCreate, PersonEventList, BankAccount, BankAccountSet]) app.addSchema(schema)
  const registry = (): Registry => ({ db: app.db, vault: app.pii })

  app.post<{ Params: { id: string }, Body: PersonEventCreateBody }>('/persons/:id/events', {
    config: { roles: ['registrar', 'investigator', 'admin'] },
    schema: {
      operationId: 'recordPersonEvent',
      tags: ['persons'],
      summary: 'Record a dated family-planning fact (a correction supersedes an earlier event)',
      params: idOf('person'),
      body: Type.Ref('PersonEventCreate'),
      response: { 201: Type.Ref('PersonEvent'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const event = await recordPersonEvent(app.db, actingOf(request), request.params.id, request.body)
    return reply.code(201).send(event)
  })

  app.get<{ Params: { id: string } }>('/persons/:id/events', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'listPersonEvents',
      tags: ['persons'],
      summary: 'A person\'s events, oldest first, corrections and corrected ones included',
      params: idOf('person'),
      response: { 200: Type.Ref('PersonEventList'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listPersonEvents(app.db, actingOf(request), request.params.id))

  app.put<{ Params: { id: string }, Body: BankAccountSetBody }>('/persons/:id/bank-account', {
    config: { roles: ['registrar', 'finance_officer', 'admin'] },
    schema: {
      operationId: 'setBankAccount',
      tags: ['persons'],
      summary: 'Set the account payments go to (the previous one is kept as history)',
      params: idOf('person'),
      body: Type.Ref('BankAccountSet'),
      response: { 200: Type.Ref('BankAccount'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => setBankAccount(registry(), actingOf(request), request.params.id, request.body))

  app.get<{ Params: { id: string } }>('/persons/:id/bank-account', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getBankAccount',
      tags: ['persons'],
      summary: 'The person\'s active bank account',
      params: idOf('person'),
      response: { 200: Type.Ref('BankAccount'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => getBankAccount(registry(), actingOf(request), request.params.id))
}
