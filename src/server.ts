import { createServer } from 'node:net'
import { ConfigError, loadConfig, type Config } from './config.js'
import { DataDirBusyError, lockDataDir, type DataDirLock } from './db/data-dir-lock.js'

/** Why the server cannot start, said in one line on stderr. */
class CannotStart extends Error {}

function configOrExit (): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`huimin: cannot start: ${error.message}\n`)
    process.exit(1)
  }
}

/**
 * Takes the embedded data directory's lock: a second process on the same directory
 * would lose writes, so it is refused here, before anything slow.
 */
async function lockOrRefuse (config: Config): Promise<DataDirLock | undefined> {
  if (config.DATABASE_URL) return undefined
  try {
    return await lockDataDir(config.DATA_DIR, { command: 'huimin server', port: config.PORT === 0 ? null : config.PORT })
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error
    throw new CannotStart(`${error.message}; stop it first, or give this one another DATA_DIR`)
  }
}

/** Checks that PORT can be listened on before the database is opened (which can take many seconds). */
function checkPortFree (config: Config): Promise<void> {
  if (config.PORT === 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : error.code === 'EACCES' ? 'is not allowed to this user' : `cannot be listened on (${error.code ?? error.message})`
      reject(new CannotStart(`port ${config.PORT} on ${config.HOST} ${why}: stop what listens there, or set PORT`))
    })
    probe.listen({ port: config.PORT, host: config.HOST, exclusive: true }, () => probe.close(() => resolve()))
  })
}

async function main (): Promise<void> {
  const config = configOrExit()
  const lock = await lockOrRefuse(config)
  await checkPortFree(config)
  // Only now the service's code is loaded (seconds on a small machine): a start that
  // cannot go on says so before.
  const [{ default: closeWithGrace }, { build }, { prepareDatabase }, { openDatabase }, { createLogger }, { resolvePiiKey }] = await Promise.all([
    import('close-with-grace'), import('./app.js'), import('./bootstrap.js'), import('./db/database.js'), import('./logger.js'), import('./pii-key.js'),
  ])
  const logger = createLogger(config.LOG_LEVEL)
  const piiKey = await resolvePiiKey(config)
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
    ...(lock ? { lock } : {}),
  })
  const { brandNew, adminToken } = await prepareDatabase(database, config, { createAdmin: database.engine === 'embedded' })
  const app = await build({ config, database, logger, piiKey })

  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error')
    else app.log.info({ signal }, 'shutting down: draining requests')
    await app.close()
  })

  const address = await app.listen({ port: config.PORT, host: config.HOST })
  const listening = app.server.address()
  if (lock && listening && typeof listening === 'object') lock.setPort(listening.port)
  process.stdout.write([
    '',
    brandNew
      ? `Huimin is ready on a new ${database.engine} database for ${config.DISTRICT_NAME} (${config.DISTRICT_CODE}).`
      : `Huimin is ready on its ${database.engine} database.`,
    `API reference: ${address}/docs`,
    ...(!brandNew ? [] : adminToken
      ? ['An administrator was created. Its token, shown only this once (keep it secret):', adminToken]
      : ['Create the first administrator with: huimin create-admin --name NAME (from a clone: npm run --silent cli -- create-admin --name NAME)']),
    '',
  ].join('\n') + '\n')
}

main().catch((error: unknown) => {
  process.stderr.write(`huimin: cannot start: ${(error as Error).message}\n`)
  process.exit(1)
})
