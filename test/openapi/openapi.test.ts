import { readFile } from 'node:fs/promises'
import t from 'tap'
import { OPENAPI_PATH, renderOpenapi } from '../../src/cli/export-openapi.js'
import { buildApp } from '../helper.js'

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
