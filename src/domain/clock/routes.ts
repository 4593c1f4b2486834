import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.js'
import { actingOf } from '../../plugins/auth.js'
import { ANY_OFFICER } from '../identity/roles.js'
import { ClockReading, ClockSetting, type ClockSetting as ClockSettingBody } from './schemas.js'
import { readClock, setClock } from './service.js'

/** The service's one clock: read by any officer, set on a training or test instance by a district administrator. */
export default async function clockRoutes (app: FastifyInstance) {
  app.addSchema(ClockReading)
  app.addSchema(ClockSetting)

  app.get('/clock', {
    config: { roles: ANY_OFFICER },
    schema: {
      operationId: 'getClock',
      tags: ['clock'],
      summary: 'The service\'s clock: the instant and date notices, registrations and evaluations use',
      response: { 200: Type.Ref('ClockReading'), ...problemResponses(401, 403) },
    },
  }, async () => readClock(app.clock))

  app.put<{ Body: ClockSettingBody }>('/clock', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'setClock',
      tags: ['clock'],
      summary: 'Move the clock of a training or test instance (CLOCK=settable) forward',
      description: 'District administrators only; audited. The first setting may be any instant, past included; after that only '
        + 'later instants are taken (409 clock_backwards). On an instance running on real time this is 404 clock_not_settable.',
      body: Type.Ref('ClockSetting'),
      response: { 200: Type.Ref('ClockReading'), ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => setClock(app.db, actingOf(request), request.body.now))
}
