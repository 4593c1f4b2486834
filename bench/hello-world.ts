/**
 * The baseline of the HTTP benches: Fastify answering {"hello":"world"}, the same
 * framework and Node as the service, nothing else. Prints its port when listening.
 */
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))
app.post('/', async () => ({ hello: 'world' }))
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${new URL(address).port}\n`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
