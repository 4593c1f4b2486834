import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { IfMatch, versioned, withEtag } from '../../http/etag.js'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { idOf } from '../identity/schemas.js'
import { ANY_OFFICER, type Role } from '../identity/roles.js'
import {
  Household, HouseholdCreate, HouseholdListQuery, HouseholdPage, HouseholdPatch, MemberCreate, Person, PersonLookupQuery,
  PersonPage, PersonPatch,
  type HouseholdCreate as HouseholdCreateBody, type HouseholdPatch as HouseholdPatchBody, type MemberCreate as MemberCreateBody,
  type PersonPatch as PersonPatchBody,
} from './schemas.js'
import { addMember, createHousehold, getHousehold, getPerson, listHouseholdsIn, lookupPersons, patchHousehold, patchPerson, type Registry } from './service.js'

/** Who may change the registry. */
export const REGISTRY_WRITERS: readonly Role[] = ['registrar', 'admin']

export default async function registryRoutes (app: FastifyInstance) {
  for (const schema of [MemberCreate, Person, PersonPatch, Household, HouseholdCreate, HouseholdPatch, HouseholdPage, PersonPage]) app.addSchema(schema)
  const registry = (): Registry => ({ db: app.db, vault: app.pii })

  app.post<{ Body: HouseholdCreateBody }>('/households', {
    config: { roles: REGISTRY_WRITERS },
    schema: {
      operationId: 'createHousehold',
      tags: ['households'],
      summary: 'Register a household with its members',
      body: Type.Ref('HouseholdCreate'),
      response: { 201: versioned('Household', 'The household, with member ids.'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const household = await createHousehold(registry(), actingOf(request), request.body)
    return reply.code(201).header('location', `/v1/households/${household.id}`).send(withEtag(reply, household))
  })

  app.get<{ Querystring: { region?: string, hukouType?: string, name?: string, limit: number, cursor?: string } }>('/households', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'listHouseholds',
      tags: ['households'],
      summary: 'Households of your region, by region, hukou type or a member\'s name',
      querystring: HouseholdListQuery,
      response: { 200: Type.Ref('HouseholdPage'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => listHouseholdsIn(registry(), actingOf(request), request.query))

  app.get<{ Params: { id: string } }>('/households/:id', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getHousehold',
      tags: ['households'],
      summary: 'A household and its members',
      params: idOf('household'),
      response: { 200: versioned('Household', 'The household.'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => withEtag(reply, await getHousehold(registry(), actingOf(request), request.params.id)))

  app.patch<{ Params: { id: string }, Body: HouseholdPatchBody, Headers: { 'if-match'?: string } }>('/households/:id', {
    config: { roles: REGISTRY_WRITERS },
    schema: {
      operationId: 'updateHousehold',
      tags: ['households'],
      summary: 'Change a household\'s address, hukou type or village (If-Match required)',
      params: idOf('household'),
      headers: IfMatch,
      body: Type.Ref('HouseholdPatch'),
      response: { 200: versioned('Household', 'The changed household.'), ...problemResponses(400, 401, 403, 404, 412, 422, 428) },
    },
  }, async (request, reply) => withEtag(reply,
    await patchHousehold(registry(), actingOf(request), request.params.id, request.headers['if-match'], request.body)))

  app.post<{ Params: { id: string }, Body: MemberCreateBody }>('/households/:id/members', {
    config: { roles: REGISTRY_WRITERS },
    schema: {
      operationId: 'addHouseholdMember',
      tags: ['households'],
      summary: 'Register a new member of a household (a birth, a marriage, a move)',
      params: idOf('household'),
      body: Type.Ref('MemberCreate'),
      response: { 201: versioned('Person', 'The new member.'), ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const person = await addMember(registry(), actingOf(request), request.params.id, request.body)
    return reply.code(201).header('location', `/v1/persons/${person.id}`).send(withEtag(reply, person))
  })

  app.get<{ Querystring: { idNumber: string } }>('/persons', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'findPersons',
      tags: ['persons'],
      summary: 'Persons of your region with this ID number (living or dead)',
      querystring: PersonLookupQuery,
      response: { 200: Type.Ref('PersonPage'), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request) => lookupPersons(registry(), actingOf(request), request.query.idNumber))

  app.get<{ Params: { id: string } }>('/persons/:id', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getPerson',
      tags: ['persons'],
      summary: 'A person of your region',
      params: idOf('person'),
      response: { 200: versioned('Person', 'The person.'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => withEtag(reply, await getPerson(registry(), actingOf(request), request.params.id)))

  app.patch<{ Params: { id: string }, Body: PersonPatchBody, Headers: { 'if-match'?: string } }>('/persons/:id', {
    config: { roles: REGISTRY_WRITERS },
    schema: {
      operationId: 'updatePerson',
      tags: ['persons'],
      summary: 'Correct a person\'s facts (If-Match required)',
      params: idOf('person'),
      headers: IfMatch,
      body: Type.Ref('PersonPatch'),
      response: { 200: versioned('Person', 'The changed person.'), ...problemResponses(400, 401, 403, 404, 409, 412, 422, 428) },
    },
  }, async (request, reply) => withEtag(reply,
    await patchPerson(registry(), actingOf(request), request.params.id, request.headers['if-match'], request.body)))
}
