import { build } from '../app.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { createLogger } from '../logger.js'
import { resolvePiiKey } from '../pii-key.js'

/**
 * Runs queued jobs without serving HTTP: the service built as the server builds it,
 * made ready (which starts its job runner) and never listening. With instances that
 * serve with JOB_POLL_MS=0, long work stays off the request path. Stops on SIGTERM or
 * SIGINT once the job in hand is done.
 */
export async function runWorker (): Promise<number> {
  const config = loadConfig()
  if (!config.DATABASE_URL) {
    process.stderr.write('worker needs DATABASE_URL: on the embedded engine the service runs its jobs itself\n')
    return 2
  }
  if (config.JOB_POLL_MS === 0) {
    process.stderr.write('worker needs JOB_POLL_MS above 0: it would run nothing\n')
    return 2
  }
  const logger = createLogger(config.LOG_LEVEL)
  const database = await openDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, logger })
  const app = await build({ config, database, logger, piiKey: await resolvePiiKey(config) })
  await app.ready()
  logger.info({ pollMs: config.JOB_POLL_MS }, 'worker running jobs')
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await app.close()
  return 0
}
