import net from 'node:net'

/**
 * A TCP relay in front of the database server that a test can cut and restore,
 * as a network failure would: cutting destroys every open connection and refuses new ones.
 */
export class TcpProxy {
  #server: net.Server | undefined
  #sockets = new Set<net.Socket>()
  port = 0

  constructor (private readonly target: { host: string, port: number }) {}

  async start (): Promise<this> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => { client.destroy(); upstream.destroy() })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as net.AddressInfo).port
    this.#server = server
    return this
  }

  async cut (): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const socket of this.#sockets) socket.destroy()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
