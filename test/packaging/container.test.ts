import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { ConfigSchema } from '../../src/config.js'

const root = path.resolve(import.meta.dirname, '../..')
const read = (file: string) => readFile(path.join(root, file), 'utf8')

t.test('the Dockerfile builds in one stage and runs production code as a non-root user', async (t) => {
  const dockerfile = await read('Dockerfile')
  const stages = dockerfile.match(/^FROM .+$/gm) ?? []
  t.ok(stages.length >= 2, 'multi-stage')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  t.match(runtime, /npm ci --omit=dev/, 'the runtime stage installs production dependencies only')
  t.match(runtime, /^USER (?!root)\S+$/m, 'the runtime stage runs as a non-root user')
  t.match(runtime, /^HEALTHCHECK[\s\S]*\/health\/ready/m, 'the health check asks /health/ready')
  const tsconfig = JSON.parse(await read('tsconfig.json')) as { compilerOptions: { outDir: string, rootDir: string } }
  t.match(runtime, new RegExp(`CMD \\["node", "${tsconfig.compilerOptions.outDir}/src/server\\.js"\\]`), 'CMD runs the compiled server')
})

t.test('docker compose runs PostgreSQL 15 with a volume and starts the service once it is healthy', async (t) => {
  const compose = parse(await read('docker-compose.yml')) as {
    services: Record<string, { image?: string, build?: string, environment?: Record<string, string>, volumes?: string[], healthcheck?: unknown, depends_on?: Record<string, { condition: string }> }>
    volumes: Record<string, unknown>
  }
  const db = compose.services.db!
  t.match(db.image, /^postgres:15/)
  t.ok(db.healthcheck, 'the database has a health check')
  const volume = db.volumes?.[0]?.split(':')[0]
  t.ok(volume && volume in compose.volumes, 'its data lives in a named volume')

  const api = compose.services.api!
  t.equal(api.build, '.')
  t.same(api.depends_on, { db: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
  t.equal(new URL(api.environment!.DATABASE_URL!).hostname, 'db', 'DATABASE_URL points at the db service')
  t.equal(new URL(api.environment!.REDIS_URL!).hostname, 'redis', 'REDIS_URL points at the redis service, where instances share their limits')
  t.ok(compose.services.redis?.healthcheck, 'Redis has a health check')
  for (const variable of Object.keys(api.environment!)) {
    t.ok(variable in ConfigSchema.properties, `${variable} is a setting the service reads`)
  }
})
