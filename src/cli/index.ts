import { parseArgs } from 'node:util'
import { prepareDatabase } from '../bootstrap.js'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { openDatabase, type Database } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { clockFor } from '../domain/clock/clock.js'
import { systemActing } from '../domain/identity/acting.js'
import { verifyAuditTrail } from '../domain/audit/verify.js'
import { createAdministrator } from '../domain/identity/service.js'
import { exportOpenapi } from './export-openapi.js'
import { importHouseholdsCommand } from './import-households.js'
import { screenCommand } from './screen.js'
import { runWorker } from './worker.js'

const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  migrate                    apply pending migrations to the configured database
  create-admin --name NAME   create an administrator of the district; prints its token alone on the last line
  worker                     run queued jobs (imports, screenings …) without serving HTTP, until SIGTERM;
                             for PostgreSQL deployments that keep jobs off the instances serving requests
  verify-audit               recompute the audit trail; exit 1 and name the first broken row if it was altered
  import-households FILE     upload a .csv, .xlsx or .ndjson file to a running service and follow the import
                             (HUIMIN_URL, default http://127.0.0.1:3000, and HUIMIN_TOKEN, or --url and --token)
  screen PROGRAM --region CODE --year YEAR
                             screen a region for a programme's candidates on a running service and follow the job
  export-openapi [--check]   write openapi/openapi.json from the routes (--check: exit 1 if it differs)
`

type Command = (args: string[]) => Promise<number>

/** Options of the commands that work through a running service. */
const serviceOptions = { url: { type: 'string' }, token: { type: 'string' } } as const
const serviceUrl = (url: string | undefined) => url ?? process.env.HUIMIN_URL ?? 'http://127.0.0.1:3000'

/** Runs work against the configured database, closing it afterwards. */
async function withDatabase (work: (database: Database, config: Config) => Promise<number>): Promise<number> {
  const config = loadConfig()
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR })
  try {
    return await work(database, config)
  } finally {
    await database.close()
  }
}

const commands: Record<string, Command> = {
  migrate: () => withDatabase(async (database) => {
    const applied = await migrateToLatest(database.db)
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date')
    return 0
  }),

  'create-admin': (args) => {
    const { values } = parseArgs({ args, options: { name: { type: 'string' } } })
    const name = values.name?.trim()
    if (!name) {
      process.stderr.write('create-admin needs --name NAME\n')
      return Promise.resolve(2)
    }
    return withDatabase(async (database, config) => {
      await prepareDatabase(database, config)
      const { officer, token } = await createAdministrator(database.db, systemActing('huimin cli', config.DISTRICT_CODE, clockFor(config.CLOCK, database.db)), { name, regionCode: config.DISTRICT_CODE })
      console.log(`administrator ${officer.id} of ${officer.regionCode}; token ${token.id} expires ${token.expiresAt}`)
      console.log(token.token)
      return 0
    })
  },

  'import-households': (args) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: serviceOptions })
    const token = values.token ?? process.env.HUIMIN_TOKEN
    if (positionals.length !== 1 || !token) {
      process.stderr.write('import-households needs FILE and a token (--token or HUIMIN_TOKEN)\n')
      return Promise.resolve(2)
    }
    return importHouseholdsCommand(positionals[0]!, { url: serviceUrl(values.url), token })
  },

  screen: (args) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...serviceOptions, region: { type: 'string' }, year: { type: 'string' } } })
    const token = values.token ?? process.env.HUIMIN_TOKEN
    const year = Number(values.year)
    if (positionals.length !== 1 || !values.region || !Number.isInteger(year) || !token) {
      process.stderr.write('screen needs PROGRAM, --region CODE, --year YEAR and a token (--token or HUIMIN_TOKEN)\n')
      return Promise.resolve(2)
    }
    return screenCommand(positionals[0]!, { regionCode: values.region, year }, { url: serviceUrl(values.url), token })
  },

  worker: () => runWorker(),

  'verify-audit': () => withDatabase(async (database) => {
    const result = await verifyAuditTrail(database.db, { parallel: database.engine === 'postgres' })
    console.log(`${result.rowsChecked} rows in ${result.blocksChecked} sealed blocks checked`)
    if (result.valid) {
      console.log('valid: nothing was altered or removed')
      return 0
    }
    console.log(`INVALID at row ${result.firstBroken?.seq ?? '-'} (${result.firstBroken?.problem}): ${result.firstBroken?.detail}`)
    return 1
  }),

  async 'export-openapi' (args) {
    const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false } } })
    const ok = await exportOpenapi({ check: values.check ?? false })
    if (values.check) console.log(ok ? 'openapi/openapi.json is up to date' : 'openapi/openapi.json differs from the routes: run npm run openapi:export')
    else console.log('wrote openapi/openapi.json')
    return ok ? 0 : 1
  },
}

async function main (argv: string[]): Promise<number> {
  const [name, ...args] = argv
  const command = name ? commands[name] : undefined
  if (!command) {
    process.stderr.write(name && name !== 'help' ? `unknown command: ${name}\n\n${USAGE}` : USAGE)
    return name && name !== 'help' ? 2 : 0
  }
  return command(args)
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (error: unknown) => {
  const message = error instanceof ConfigError ? `configuration: ${error.message}` : (error as Error).message
  process.stderr.write(`huimin: ${message}\n`)
  process.exitCode = 1
})
