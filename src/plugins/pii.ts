import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PiiVault } from '../domain/registry/pii.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Encrypts, decrypts and blind-indexes ID and account numbers. */
    pii: PiiVault
  }
}

export default fp(async function pii (app: FastifyInstance, options: { key: Buffer }) {
  app.decorate('pii', new PiiVault(options.key))
}, { name: 'pii' })
