import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CollectorStub {
  /** The OTLP endpoint to give the server (OTEL_EXPORTER_OTLP_ENDPOINT). */
  url: string
  /** Export requests and bytes received so far. */
  received(): { requests: number; bytes: number }
  close(): Promise<void>
}

/**
 * Stands in for an OpenTelemetry collector: accepts every OTLP/HTTP export (`POST /v1/traces`),
 * counts it and throws it away, so a traced run pays for making and sending spans, not for
 * storing them.
 */
export async function startCollectorStub(): Promise<CollectorStub> {
  let requests = 0
  let bytes = 0
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length
    })
    request.on('end', () => {
      requests += 1
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => ({ requests, bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}
