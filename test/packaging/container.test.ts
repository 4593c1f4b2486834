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
  const cmd = /^CMD \[(.*)\]$/m.exec(runtime)?.[1]?.split(', ').map((word) => JSON.parse(word) as string)
  t.equal(cmd?.[0], 'node')
  t.equal(cmd?.at(-1), `${tsconfig.compilerOptions.outDir}/src/server.js`, 'CMD runs the compiled server')
  const pkg = JSON.parse(await read('package.json')) as { scripts: { start: string } }
  const startFlags = pkg.scripts.start.split(/\s+/).filter((word) => /^--(?!import)[a-z-]+=/.test(word))
  t.ok(startFlags.includes('--max-semi-space-size=4'), 'npm start keeps the young generation small (docs/scaling.md)')
  t.same(cmd?.slice(1, -1), startFlags, 'with the V8 flags npm start gives the service')
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

t.test('the command line is `huimin` in the image: package.json "bin", a shebang, and a link on PATH in the runtime stage', async (t) => {
  const pkg = JSON.parse(await read('package.json')) as { bin?: Record<string, string>, scripts: Record<string, string> }
  const tsconfig = JSON.parse(await read('tsconfig.json')) as { compilerOptions: { outDir: string } }
  const compiled = `${tsconfig.compilerOptions.outDir}/src/cli/index.js`
  t.same(pkg.bin, { huimin: compiled }, 'package.json names the compiled entry point')
  t.equal(pkg.scripts.cli, 'tsx src/cli/index.ts', 'npm run cli from a clone is unchanged')
  t.equal((await read('src/cli/index.ts')).split('\n')[0], '#!/usr/bin/env node', 'the entry point runs as a program (tsc keeps the line)')
  const dockerfile = await read('Dockerfile')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const workdir = /^WORKDIR (\S+)$/m.exec(runtime)?.[1]
  t.equal(workdir, '/app')
  t.match(runtime, new RegExp(`chmod 0?755 ${compiled.replace(/[./]/g, '\\$&')}`), 'the compiled entry point is executable')
  t.match(runtime, new RegExp(`ln -s ${workdir}/${compiled.replace(/[./]/g, '\\$&')} /usr/local/bin/huimin`), 'and linked onto PATH as huimin')
  t.ok(runtime.indexOf('/usr/local/bin/huimin') < runtime.search(/^USER /m), 'by root, before the stage drops to its user')
  const compose = parse(await read('docker-compose.yml')) as { services: Record<string, { build?: string }> }
  const service = Object.entries(compose.services).find(([, each]) => each.build === '.')![0]
  for (const doc of ['README.md', 'docs/operations.md']) {
    const text = await read(doc)
    t.match(text, `docker compose exec ${service} huimin create-admin --name`, `${doc} shows the command in the container`)
    t.match(text, 'npm run --silent cli -- create-admin --name', `${doc} shows it from a clone`)
  }
})

t.test('Node 24 LTS is the target: engines, both image stages, CI and the README', async (t) => {
  const pkg = JSON.parse(await read('package.json')) as { engines: { node: string } }
  t.equal(pkg.engines.node, '>=24')
  const stages = (await read('Dockerfile')).match(/^FROM \S+/gm) ?? []
  t.same(stages.map((line) => /^FROM node:(\d+)-/.exec(line)?.[1]), stages.map(() => '24'), 'every stage is built on node:24')
  const ci = await read('.ci/run')
  t.match(ci, /npx -y node@24 /, 'CI fetches Node 24 from the npm registry')
  t.match(ci, /node --version.*v24\./, 'and checks that the suites run on it')
  t.match(await read('README.md'), /Node\.js 24/, 'the README says which Node')
})
