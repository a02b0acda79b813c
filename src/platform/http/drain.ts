import { Server as NetServer, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Server } from 'node:http'

/*
 * A graceful stop behind a load balancer that keeps connections alive (nginx's upstream keepalive).
 *
 * Closing an idle keep-alive connection from the server races with the proxy sending a request on it:
 * the proxy sees the connection close under a request it already sent, and may not resend it (nginx
 * never resends a POST). Answering new requests with 503 (Fastify's default while closing) hands the
 * client a 5xx for a POST. And a connection that was busy when the close began stays open after its
 * response until its keep-alive timeout, holding the process past its shutdown timeout.
 *
 * So a stop first drains: the listening socket closes (the proxy's new connections are refused, which
 * it retries elsewhere whatever the method), every response from then on says `Connection: close`
 * (the client closes, so no request is ever sent on a connection the server is closing), and requests
 * still arriving on open connections are served as usual. Once no connection is left, or after
 * `waitMs` (connections the proxy keeps idle without using them), the remaining idle ones are closed
 * and the server finishes what is in flight.
 */

/** What draining needs of a Fastify app: its server, and an onSend hook. */
interface Drainable {
  server: Server
  addHook(
    name: 'onSend',
    hook: (request: unknown, reply: { header(name: string, value: string): unknown }) => Promise<void>,
  ): unknown
}

const draining = new WeakSet<Drainable>()
const connections = new WeakMap<Drainable, Set<Socket>>()

/**
 * Keeps count of the server's connections, and closes each connection after its response once
 * `drain` started. Call before the server listens.
 */
export function closeConnectionsWhenDraining(app: Drainable): void {
  const open = new Set<Socket>()
  connections.set(app, open)
  app.server.on('connection', (socket: Socket) => {
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  })
  app.addHook('onSend', async (_request, reply) => {
    if (draining.has(app)) reply.header('connection', 'close')
  })
}

/** Stops accepting connections and waits (up to `waitMs`) for the open ones to end after a response. */
export async function drain(app: Drainable, waitMs: number): Promise<void> {
  draining.add(app)
  const server = app.server
  if (!server.listening) return
  // Node's http close() would also close the idle connections at once: the plain net close only stops
  // listening (its callback would wait for every connection, so none is passed). Fastify's close()
  // later finds the server closed, which it accepts.
  NetServer.prototype.close.call(server)
  const open = connections.get(app) ?? new Set()
  const deadline = Date.now() + waitMs
  while (open.size > 0 && Date.now() < deadline) await sleep(50)
}
