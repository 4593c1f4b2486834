#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { prepareDatabase } from '../bootstrap.js'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { DataDirBusyError, describeHolder, lockHolder, type LockHolder } from '../db/data-dir-lock.js'
import { openDatabase, type Database } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { clockFor } from '../domain/clock/clock.js'
import { systemActing } from '../domain/identity/acting.js'
import { verifyAuditTrail } from '../domain/audit/verify.js'
import { createAdministrator } from '../domain/identity/service.js'
import { exportOpenapi } from './export-openapi.js'
import { call } from './follow-job.js'
import { importHouseholdsCommand } from './import-households.js'
import { screenCommand } from './screen.js'
import { runWorker } from './worker.js'

const USAGE = `Usage: huimin <command> [options]
       (from a clone: npm run --silent cli -- <command> [options])

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

On the embedded engine only one process may open DATA_DIR. While the service runs,
create-admin and verify-audit go through it when given an administrator's (or for
verify-audit an auditor's) token (--token or HUIMIN_TOKEN); otherwise they are refused.

Exit codes: 0 done; 1 the answer is no (the audit trail is broken, the document differs,
the service refused or failed the import or screening); 2 bad usage; 3 the embedded
database is in use by another process; 4 could not run (configuration, a database or
service that does not answer, an unexpected error).
`

/** Exit codes, as docs/operations.md lists them. */
const EXIT = { ok: 0, no: 1, usage: 2, busy: 3, failed: 4 } as const


type Command = (args: string[]) => Promise<number>

/** Options of the commands that work through a running service. */
const serviceOptions = { url: { type: 'string' }, token: { type: 'string' } } as const
const serviceUrl = (url: string | undefined) => url ?? process.env.HUIMIN_URL ?? 'http://127.0.0.1:3000'

/** Runs work against the configured database, closing it afterwards. */
async function withDatabase (command: string, work: (database: Database, config: Config) => Promise<number>): Promise<number> {
  const config = loadConfig()
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR, command: `huimin ${command}` })
  try {
    return await work(database, config)
  } finally {
    await database.close()
  }
}

/**
 * The running service that holds the embedded database, when there is one: a command
 * that would open the database goes through its HTTP API instead, or is refused.
 */
function runningService (config: Config): LockHolder | undefined {
  return config.DATABASE_URL ? undefined : lockHolder(config.DATA_DIR)
}

function refuseBusy (config: Config, holder: LockHolder, how: string): number {
  process.stderr.write(`huimin: the embedded database in ${config.DATA_DIR} is in use by ${describeHolder(holder)}; ${how}\n`)
  return EXIT.busy
}

/** Where the holder serves HTTP: --url or HUIMIN_URL if given, else its port on this machine. */
function holderUrl (holder: LockHolder, url: string | undefined): string | undefined {
  const given = url ?? process.env.HUIMIN_URL
  if (given) return given
  return holder.port === null ? undefined : `http://127.0.0.1:${holder.port}`
}

/** The caller's token: --token, else HUIMIN_TOKEN. */
const tokenOf = (values: { token?: string }) => values.token ?? process.env.HUIMIN_TOKEN

/**
 * When a running service holds the embedded database, the command goes through its API
 * with the caller's token, or is refused naming the holder and saying `how` to go on.
 * Undefined when no service holds it: the command opens the database itself.
 */
function throughRunningService (config: Config, values: { token?: string, url?: string }, how: string, work: (service: { url: string, token: string }) => Promise<number>): Promise<number> | undefined {
  const holder = runningService(config)
  if (!holder) return undefined
  const token = tokenOf(values)
  const url = holderUrl(holder, values.url)
  if (!token || !url) return Promise.resolve(refuseBusy(config, holder, how))
  return work({ url, token })
}

const printVerification = (result: { valid: boolean, rowsChecked: number, blocksChecked: number, firstBroken?: { seq?: number | null, problem?: string, detail?: string } | null }): number => {
  console.log(`${result.rowsChecked} rows in ${result.blocksChecked} sealed blocks checked`)
  if (result.valid) {
    console.log('valid: nothing was altered or removed')
    return EXIT.ok
  }
  console.log(`INVALID at row ${result.firstBroken?.seq ?? '-'} (${result.firstBroken?.problem}): ${result.firstBroken?.detail}`)
  return EXIT.no
}

const commands: Record<string, Command> = {
  migrate: () => {
    const config = loadConfig()
    const holder = runningService(config)
    if (holder) return Promise.resolve(refuseBusy(config, holder, 'it applies pending migrations itself when it starts'))
    return withDatabase('migrate', async (database) => {
      const applied = await migrateToLatest(database.db)
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date')
      return EXIT.ok
    })
  },

  'create-admin': async (args) => {
    const { values } = parseArgs({ args, options: { name: { type: 'string' }, ...serviceOptions } })
    const name = values.name?.trim()
    if (!name) {
      process.stderr.write('create-admin needs --name NAME\n')
      return EXIT.usage
    }
    const config = loadConfig()
    const through = throughRunningService(config, values, 'stop it first, or give an administrator\'s token (--token or HUIMIN_TOKEN) to create the administrator through it',
      (service) => createAdminThrough(service, name, config.DISTRICT_CODE))
    if (through) return through
    return withDatabase('create-admin', async (database, config) => {
      await prepareDatabase(database, config)
      const { officer, token } = await createAdministrator(database.db, systemActing('huimin cli', config.DISTRICT_CODE, clockFor(config.CLOCK, database.db)), { name, regionCode: config.DISTRICT_CODE })
      console.log(`administrator ${officer.id} of ${officer.regionCode}; token ${token.id} expires ${token.expiresAt}`)
      console.log(token.token)
      return 0
    })
  },

  'import-households': (args) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: serviceOptions })
    const token = tokenOf(values)
    if (positionals.length !== 1 || !token) {
      process.stderr.write('import-households needs FILE and a token (--token or HUIMIN_TOKEN)\n')
      return Promise.resolve(2)
    }
    return importHouseholdsCommand(positionals[0]!, { url: serviceUrl(values.url), token })
  },

  screen: (args) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...serviceOptions, region: { type: 'string' }, year: { type: 'string' } } })
    const token = tokenOf(values)
    const year = Number(values.year)
    if (positionals.length !== 1 || !values.region || !Number.isInteger(year) || !token) {
      process.stderr.write('screen needs PROGRAM, --region CODE, --year YEAR and a token (--token or HUIMIN_TOKEN)\n')
      return Promise.resolve(2)
    }
    return screenCommand(positionals[0]!, { regionCode: values.region, year }, { url: serviceUrl(values.url), token })
  },

  worker: () => runWorker(),

  'verify-audit': async (args) => {
    const { values } = parseArgs({ args, options: serviceOptions })
    const through = throughRunningService(loadConfig(), values, 'give an auditor\'s or administrator\'s token (--token or HUIMIN_TOKEN) to verify through it, or stop it first',
      async (service) => {
        const answer = await call(service, 'GET', '/v1/audit/verify')
        if (answer.status !== 200) {
          process.stderr.write(`huimin: the service did not verify (${answer.status}): ${String(answer.body.detail ?? 'no detail')}\n`)
          return EXIT.failed
        }
        return printVerification(answer.body as unknown as Parameters<typeof printVerification>[0])
      })
    if (through) return through
    return withDatabase('verify-audit', async (database) => printVerification(await verifyAuditTrail(database.db, { parallel: database.engine === 'postgres' })))
  },

  async 'export-openapi' (args) {
    const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false } } })
    const ok = await exportOpenapi({ check: values.check ?? false })
    if (values.check) console.log(ok ? 'openapi/openapi.json is up to date' : 'openapi/openapi.json differs from the routes: run npm run openapi:export')
    else console.log('wrote openapi/openapi.json')
    return ok ? 0 : 1
  },
}

/** create-admin through a running service's API, with an administrator's token. */
async function createAdminThrough (service: { url: string, token: string }, name: string, regionCode: string): Promise<number> {
  const created = await call(service, 'POST', '/v1/officers', { type: 'application/json', data: JSON.stringify({ name, roles: ['admin'], regionCode }) })
  if (created.status !== 201) {
    process.stderr.write(`huimin: the service did not create the administrator (${created.status}): ${String(created.body.detail ?? 'no detail')}\n`)
    return EXIT.failed
  }
  const issued = await call(service, 'POST', `/v1/officers/${String(created.body.id)}/tokens`, { type: 'application/json', data: '{}' })
  if (issued.status !== 201) {
    process.stderr.write(`huimin: the service created officer ${String(created.body.id)} but issued no token (${issued.status}): ${String(issued.body.detail ?? 'no detail')}\n`)
    return EXIT.failed
  }
  console.log(`administrator ${String(created.body.id)} of ${regionCode}; token ${String(issued.body.id)} expires ${String(issued.body.expiresAt)}`)
  console.log(String(issued.body.token))
  return EXIT.ok
}

async function main (argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  const command = commands[name]
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${USAGE}`)
    return EXIT.usage
  }
  return command(args)
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (error: unknown) => {
  if (error instanceof DataDirBusyError) {
    // Taken between the look and the open: the same refusal.
    process.stderr.write(`huimin: ${error.message}; stop it first\n`)
    process.exitCode = EXIT.busy
    return
  }
  const message = error instanceof ConfigError ? `configuration: ${error.message}`
    : (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (error as Error).message : `cannot run: ${(error as Error).message}`
  process.stderr.write(`huimin: ${message}\n`)
  process.exitCode = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? EXIT.usage : EXIT.failed
})
