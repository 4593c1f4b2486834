import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { clockFor, type Clock } from '../domain/clock/clock.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The one clock of the service (DESIGN §4). */
    clock: Clock
  }
}

/** The clock: real time, or on a training or test instance (CLOCK=settable) one its administrators move. */
export default fp(async function clock (app: FastifyInstance, options: { mode: 'system' | 'settable' }) {
  app.decorate('clock', clockFor(options.mode, app.db))
}, { name: 'clock', dependencies: ['database'] })
