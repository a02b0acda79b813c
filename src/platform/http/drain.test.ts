import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import Fastify from 'fastify'
import { closeConnectionsWhenDraining, drain } from './drain.ts'
import type { App } from './server.ts'

interface Answer {
  status: number
  connection: string | undefined
  socketReused: boolean
}

function get(port: number, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path: '/', agent }, (incoming) => {
      incoming.resume()
      incoming.on('end', () => {
        resolve({
          status: incoming.statusCode ?? 0,
          connection: incoming.headers.connection,
          socketReused: outgoing.reusedSocket,
        })
      })
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

describe('draining the HTTP server', () => {
  let app: App
  let port: number
  // One kept-alive connection, as a load balancer holds them.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })

  before(async () => {
    app = Fastify()
    closeConnectionsWhenDraining(app)
    app.get('/', async () => ({ ok: true }))
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as AddressInfo).port
  })
  after(async () => {
    agent.destroy()
    await app.close()
  })

  it('serves a request arriving on an open connection, says Connection: close, and refuses new connections', async () => {
    const first = await get(port, agent)
    assert.equal(first.status, 200)
    assert.notEqual(first.connection, 'close')

    const drained = drain(app, 10_000)
    const onOpenConnection = await get(port, agent)
    assert.deepEqual(onOpenConnection, { status: 200, connection: 'close', socketReused: true })
    await drained
    await assert.rejects(get(port, new Agent()), { code: 'ECONNREFUSED' })
  })
})
