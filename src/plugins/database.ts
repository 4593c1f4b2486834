import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { DB } from '../db/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The engine-neutral database handle. */
    database: Database
    /** The query builder: pass it (or a transaction) to repositories. */
    db: Kysely<DB>
  }
}

/** Makes the database available to routes and closes it after the last request has drained. */
export default fp(async function database (app: FastifyInstance, options: { database: Database }) {
  app.decorate('database', options.database)
  app.decorate('db', options.database.db)
  app.addHook('onClose', async () => { await options.database.close() })
}, { name: 'database' })
