import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { waitUntil } from './helpers/wait.ts'

const SLOW_CLIENTS = 200
/** How long a client may take to send its request head, in this test. */
const HEADERS_TIMEOUT_SECONDS = 2

let t: TestApp
let port: number

before(async () => {
  t = await buildTestApp({ env: { HTTP_HEADERS_TIMEOUT: `${HEADERS_TIMEOUT_SECONDS}s` } })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as AddressInfo).port
})
after(() => t.close())

/** A client that sends its request head one byte every 100 ms, and never finishes it. */
function slowClient(): { socket: Socket; closed: Promise<void>; stop(): void } {
  const socket = connect({ host: '127.0.0.1', port })
  socket.on('error', () => undefined)
  const head = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'x'.repeat(10_000)}`
  let sent = 0
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(head.charAt(sent++ % head.length))
  }, 100)
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      resolve()
    }),
  )
  void closed.then(() => {
    clearInterval(timer)
  })
  return {
    socket,
    closed,
    stop: () => {
      clearInterval(timer)
      socket.destroy()
    },
  }
}

/** A plain GET on a connection of its own; resolves with the status and how long it took. */
function timedGet(path: string): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (response) => {
      response.resume()
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started })
      })
    })
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 5 s')))
    outgoing.on('error', reject)
    outgoing.end()
  })
}

describe('slow clients', { timeout: 30_000 }, () => {
  it('200 clients trickling their headers do not keep others waiting, and are cut off after HTTP_HEADERS_TIMEOUT', async () => {
    const clients = Array.from({ length: SLOW_CLIENTS }, slowClient)
    try {
      await waitUntil(
        'every slow client has started',
        () => clients.every((client) => client.socket.bytesWritten > 5),
        {
          timeoutMs: 5000,
        },
      )
      const answer = await timedGet('/health')
      assert.equal(answer.status, 200)
      assert.ok(answer.ms < 1000, `a normal request was answered in ${Math.round(answer.ms)} ms`)

      // The server closes them once their head has taken longer than allowed (checked every second).
      const deadline = (HEADERS_TIMEOUT_SECONDS + 4) * 1000
      const allClosed = Promise.all(clients.map((client) => client.closed)).then(() => true)
      const timedOut = new Promise<false>((resolve) =>
        setTimeout(() => {
          resolve(false)
        }, deadline).unref(),
      )
      assert.ok(
        await Promise.race([allClosed, timedOut]),
        `every slow client was cut off within ${deadline} ms`,
      )
    } finally {
      for (const client of clients) client.stop()
    }
  })
})
