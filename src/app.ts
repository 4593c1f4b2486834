import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Logger } from 'pino'
import { trustProxyOf, type Config } from './config.js'
import type { Database } from './db/database.js'
import auditRoutes from './domain/audit/routes.js'
import clockRoutes from './domain/clock/routes.js'
import { DISBURSEMENT_JOBS } from './domain/disbursement/jobs.js'
import disbursementRoutes from './domain/disbursement/routes.js'
import { ELIGIBILITY_JOBS } from './domain/eligibility/jobs.js'
import eligibilityRoutes from './domain/eligibility/routes.js'
import healthRoutes from './domain/health/routes.js'
import jobRoutes from './domain/jobs/routes.js'
import identityRoutes from './domain/identity/routes.js'
import regionRoutes from './domain/regions/routes.js'
import programRoutes from './domain/programs/routes.js'
import personFactRoutes from './domain/registry/person-routes.js'
import importRoutes from './domain/registry/import/routes.js'
import { REGISTRY_JOBS } from './domain/registry/jobs.js'
import objectionRoutes from './domain/workflow/objection-routes.js'
import partnerRoutes from './domain/partners/routes.js'
import reportRoutes from './domain/reports/routes.js'
import publicRoutes from './domain/workflow/public-routes.js'
import { WORKFLOW_JOBS } from './domain/workflow/jobs.js'
import caseRoutes from './domain/workflow/routes.js'
import { exitCasesOnDeath, settleDueCases } from './domain/workflow/service.js'
import { onDeath } from './domain/registry/deaths.js'
import { systemActing } from './domain/identity/acting.js'
import registryRoutes from './domain/registry/routes.js'
import { buildValidator } from './http/validator.js'
import { createLogger } from './logger.js'
import auth from './plugins/auth.js'
import clock from './plugins/clock.js'
import database from './plugins/database.js'
import bodies from './plugins/bodies.js'
import errors, { clientErrorHandler, frameworkErrors } from './plugins/errors.js'
import idempotency, { purgeIdempotencyKeys } from './plugins/idempotency.js'
import jobs from './plugins/jobs.js'
import openapi from './plugins/openapi.js'
import pii from './plugins/pii.js'
import rateLimits from './plugins/rate-limits.js'
import requestId, { RequestLogController, requestIdFor } from './plugins/request-log.js'
import securityHeaders from './plugins/security-headers.js'

export interface AppOptions {
  config: Config
  database: Database
  /** The key for ID and account numbers; config.PII_KEY when omitted. */
  piiKey?: Buffer
  /** The logger; one at config.LOG_LEVEL writing to stdout when omitted. */
  logger?: Logger
}

/**
 * Builds the service: plugins, schemas and routes. Never listens; the server, the
 * tests, the CLI and the OpenAPI export all build it the same way.
 */
export async function build (options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger(config.LOG_LEVEL)) as FastifyBaseLogger,
    logController: new RequestLogController(),
    genReqId: requestIdFor,
    bodyLimit: config.BODY_LIMIT,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    connectionTimeout: config.REQUEST_TIMEOUT_MS,
    // Node checks request and header timeouts every connectionsCheckingInterval (30 s
    // by default), so a request could outlive REQUEST_TIMEOUT_MS by that much: check
    // every second, and give the headers no longer than the whole request.
    http: {
      connectionsCheckingInterval: Math.min(1000, config.REQUEST_TIMEOUT_MS),
      headersTimeout: config.REQUEST_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      // Node refuses an HTTP/1.1 request without Host with an empty 400 of its own; the
      // errors plugin refuses it with a problem instead.
      requireHostHeader: false,
    },
    forceCloseConnections: 'idle',
    // Draining requests get a problem from the errors plugin, not Fastify's own body.
    return503OnClosing: false,
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(errors)
  await app.register(bodies)
  await app.register(requestId)
  await app.register(securityHeaders)
  await app.register(database, { database: options.database })
  const piiKey = options.piiKey ?? (config.PII_KEY ? Buffer.from(config.PII_KEY, 'base64') : undefined)
  if (!piiKey) throw new Error('no PII key: set PII_KEY or pass piiKey')
  await app.register(pii, { key: piiKey })
  await app.register(clock, { mode: config.CLOCK })
  onDeath(exitCasesOnDeath)
  await app.register(jobs, {
    pollMs: config.JOB_POLL_MS,
    definitions: [...REGISTRY_JOBS, ...ELIGIBILITY_JOBS, ...WORKFLOW_JOBS, ...DISBURSEMENT_JOBS],
    sweeps: [
      (clock) => settleDueCases(options.database.db, systemActing('huimin', config.DISTRICT_CODE, clock)),
      () => purgeIdempotencyKeys(options.database.db),
    ],
  })
  await app.register(openapi)

  await app.register(rateLimits, {
    perTokenPerMinute: config.RATE_LIMIT_PER_TOKEN,
    authFailuresPerMinute: config.RATE_LIMIT_AUTH_FAILURES,
    redisUrl: config.REDIS_URL,
  })
  await app.register(auth)
  await app.register(idempotency)

  await app.register(healthRoutes)
  await app.register(async function v1 (api) {
    await api.register(clockRoutes)
    await api.register(regionRoutes)
    await api.register(identityRoutes)
    await api.register(auditRoutes)
    await api.register(registryRoutes)
    await api.register(personFactRoutes)
    await api.register(jobRoutes)
    await api.register(importRoutes, { bodyLimit: config.IMPORT_BODY_LIMIT })
    await api.register(programRoutes)
    await api.register(eligibilityRoutes)
    await api.register(caseRoutes)
    await api.register(objectionRoutes)
    await api.register(partnerRoutes)
    await api.register(reportRoutes)
    await api.register(disbursementRoutes, {
      debtor: { DEBTOR_NAME: config.DEBTOR_NAME, DEBTOR_ACCOUNT: config.DEBTOR_ACCOUNT, DEBTOR_BANK_CODE: config.DEBTOR_BANK_CODE },
      resultsBodyLimit: config.IMPORT_BODY_LIMIT,
    })
  }, { prefix: '/v1' })
  await app.register(publicRoutes, { prefix: '/public', districtCode: config.DISTRICT_CODE, objectionsPerMinute: config.PUBLIC_OBJECTIONS_PER_MINUTE })

  return app
}
