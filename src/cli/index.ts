import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { exportOpenapi } from './export-openapi.js'

const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  migrate                    apply pending migrations to the configured database
  export-openapi [--check]   write openapi/openapi.json from the routes (--check: exit 1 if it differs)
`

type Command = (args: string[]) => Promise<number>

const commands: Record<string, Command> = {
  async migrate () {
    const config = loadConfig()
    const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR })
    try {
      const applied = await migrateToLatest(database.db)
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date')
      return 0
    } finally {
      await database.close()
    }
  },

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
