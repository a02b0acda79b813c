import type { AddressInfo } from 'node:net'
import PostalMime, { type Email } from 'postal-mime'
import { SMTPServer } from 'smtp-server'

export interface CapturedEmail {
  /** Envelope recipients, as the server received them. */
  recipients: string[]
  raw: string
  parsed: Email
}

export interface SmtpCapture {
  /** SMTP_URL for Bureau to send to. */
  url: string
  messages: CapturedEmail[]
  /** Resolves once `count` messages arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedEmail[]>
  close(): Promise<void>
}

/** A real SMTP server on 127.0.0.1 that keeps every message it receives. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedEmail[] = []
  const waiters: (() => void)[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        PostalMime.parse(raw)
          .then((parsed) => {
            messages.push({ recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, parsed })
            for (const wake of waiters.splice(0)) wake()
            callback()
          })
          .catch((error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)))
          })
      })
    },
  })
  // A client that dies mid-connection (a worker killed with -9) resets its socket: the capture goes on.
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, got ${messages.length}`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 100)
        })
      }
      return messages.slice(0, count)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}
