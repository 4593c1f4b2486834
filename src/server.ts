import closeWithGrace from 'close-with-grace'
import { build } from './app.js'
import { prepareDatabase } from './bootstrap.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { openDatabase } from './db/database.js'
import { createLogger } from './logger.js'
import { resolvePiiKey } from './pii-key.js'

function configOrExit (): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`huimin: cannot start: ${error.message}\n`)
    process.exit(1)
  }
}

async function main (): Promise<void> {
  const config = configOrExit()
  const logger = createLogger(config.LOG_LEVEL)
  const piiKey = await resolvePiiKey(config)
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
  })
  const { brandNew, adminToken } = await prepareDatabase(database, config, { createAdmin: database.engine === 'embedded' })
  const app = await build({ config, database, logger, piiKey })

  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error')
    else app.log.info({ signal }, 'shutting down: draining requests')
    await app.close()
  })

  const address = await app.listen({ port: config.PORT, host: config.HOST })
  if (brandNew) {
    process.stdout.write([
      '',
      `Huimin is ready on a new ${database.engine} database for ${config.DISTRICT_NAME} (${config.DISTRICT_CODE}).`,
      `API reference: ${address}/docs`,
      ...(adminToken
        ? ['An administrator was created. Its token, shown only this once (keep it secret):', adminToken]
        : ['Create the first administrator with: npm run --silent cli -- create-admin --name NAME']),
      '',
    ].join('\n') + '\n')
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`huimin: cannot start: ${(error as Error).message}\n`)
  process.exit(1)
})
