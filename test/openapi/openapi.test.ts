import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { OPENAPI_PATH, renderOpenapi } from '../../src/cli/export-openapi.js'
import { buildApp } from '../helper.js'
import { operationsOf, type Document } from './conformance.js'

const { app } = await buildApp(t)
await app.ready()

t.test('the committed openapi/openapi.json is what the service serves', async (t) => {
  const committed = await readFile(OPENAPI_PATH, 'utf8')
  t.equal(renderOpenapi(app), committed, 'run `npm run openapi:export` and commit the result')
  const served = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.same(served.json(), JSON.parse(committed))
})

t.test('shared schemas are named components, and every operation is documented', async (t) => {
  const spec = app.swagger() as unknown as { components: { schemas: Record<string, unknown> }, paths: Record<string, Record<string, Record<string, unknown>>> }
  t.ok(spec.components.schemas.Problem, 'Problem is a named component')
  t.notOk(Object.keys(spec.components.schemas).some((name) => name.startsWith('def-')), 'no anonymous def-N components')
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      t.ok(operation.operationId, `${method} ${path} has an operationId`)
      t.ok(operation.summary, `${method} ${path} has a summary`)
      t.ok((operation.tags as string[] | undefined)?.length, `${method} ${path} has a tag`)
      if (path.startsWith('/v1')) t.match(operation.description, /^Roles: [a-z_]+/, `${method} ${path} says which roles may call it`)
    }
  }
})

t.test('the interactive reference is served at /docs', async (t) => {
  const docs = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger-ui/i, 'the page loads Swagger UI')
  const bundle = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' })
  t.equal(bundle.statusCode, 200, 'its script is served by the service itself, not a CDN')
})

t.test('the document is exact where a generated client needs it', async (t) => {
  const spec = app.swagger() as unknown as Document
  const untyped: string[] = []
  ;(function walk (node: unknown, at: string) {
    if (typeof node !== 'object' || node === null) return
    const schema = node as Record<string, unknown>
    if (Array.isArray(schema.enum) && schema.type === undefined) untyped.push(at)
    for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`)
  })(spec, '#')
  t.same(untyped, [], 'every enum says its type')
  for (const [method, path, operation] of operationsOf(spec)) {
    if (operation.requestBody?.content['application/json']) {
      t.ok(operation.responses['413'] && operation.responses['415'], `${method} ${path} declares 413 and 415`)
    }
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'path') t.match((parameter as { description?: string }).description, /^The .+'s (id|code)|\w{3,}/, `${method} ${path} describes {${parameter.name}}`)
      if (parameter.name === 'if-match') {
        t.equal(parameter.required, true, `${method} ${path} requires If-Match`)
        t.ok(operation.responses['412'] && operation.responses['428'], `${method} ${path} declares 412 and 428`)
      }
    }
    t.ok(Object.keys(operation.responses).some((status) => status.startsWith('4')), `${method} ${path} declares a 4xx`)
  }
})

t.test('Redocly\'s recommended rules pass with no error and no warning', async (t) => {
  const { stdout } = await promisify(execFile)('node_modules/.bin/redocly', ['lint', '--format=json', fileURLToPath(OPENAPI_PATH)]).catch((error) => error)
  const { totals } = JSON.parse(stdout) as { totals: { errors: number, warnings: number } }
  t.same({ errors: totals.errors, warnings: totals.warnings }, { errors: 0, warnings: 0 })
})
