import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listenLocally } from './local-http.ts'

/*
 * A local HTTP server speaking the subset of Wise's API that payouts use: profiles, quotes (v3),
 * recipient accounts (v1, IBAN), transfers (v1, idempotent by customerTransactionId), funding (v3,
 * BALANCE) and cancel. It checks the bearer token and the required fields, keeps what it created,
 * and can fail, hang or lose its answer on demand, or expire a quote and cancel a transfer as Wise
 * does on its own.
 */

export interface WiseRequest {
  method: string
  path: string
  authorization: string | undefined
  /** The raw JSON text, as sent. */
  body: string
}

export interface WiseTransferRecord {
  id: number
  targetAccount: number
  quoteUuid: string
  customerTransactionId: string
  reference: string
  status: string
  fundings: number
}

/** What to do to the next request(s) matching `method` and `path` (a regular expression). */
export interface Fault {
  method: string
  path: RegExp
  /** Answer with this status (and a Wise-style error body) instead of handling the request. */
  status?: number
  /** Never answer (the client's timeout has to end it). */
  hang?: boolean
  /** Handle the request, then cut the connection without answering: the answer is lost. */
  loseAnswer?: boolean
  /** How many matching requests it applies to (default 1). */
  times?: number
}

export interface WiseServer {
  url: string
  token: string
  profiles: { id: number; type: string }[]
  requests: WiseRequest[]
  quotes: Map<string, Record<string, unknown>>
  recipients: Map<number, Record<string, unknown>>
  transfers: Map<number, WiseTransferRecord>
  /** Makes matching requests fail, hang or lose their answer. */
  fault(fault: Fault): void
  /**
   * Lets a quote expire now; otherwise quotes expire 30 minutes after they were made, by `now`: no
   * transfer can use an expired quote.
   */
  expireQuote(quoteId: string): void
  /** Cancels an unfunded transfer the way Wise does when it is left unfunded too long. */
  cancel(transferId: number): void
  /** Requests made to `path` (a regular expression) with `method`. */
  calls(method: string, path: RegExp): WiseRequest[]
  close(): Promise<void>
}

interface Handled {
  status: number
  body: unknown
}

/** How long a quote is valid at Wise. */
const QUOTE_LIFETIME_MS = 30 * 60 * 1000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface WiseServerOptions {
  /** The server's time, for quote expiry (default: the system's). */
  now?: () => Date
}

export async function startWiseServer(
  token = `wise-test-${randomUUID()}`,
  options: WiseServerOptions = {},
): Promise<WiseServer> {
  const now = options.now ?? (() => new Date())
  const profiles = [
    { id: 101, type: 'personal' },
    { id: 202, type: 'business' },
  ]
  const requests: WiseRequest[] = []
  const quotes = new Map<string, Record<string, unknown>>()
  const recipients = new Map<number, Record<string, unknown>>()
  const transfers = new Map<number, WiseTransferRecord>()
  const faults: (Fault & { left: number })[] = []
  const expiredQuotes = new Set<string>()
  const hanging = new Set<ServerResponse>()
  let nextId = 1000

  const problem = (status: number, code: string, message: string, path?: string): Handled => ({
    status,
    body: { errors: [{ code, message, ...(path ? { path } : {}) }] },
  })
  const missing = (field: string) => problem(422, 'NOT_VALID', `${field} is required`, field)

  function handle(method: string, path: string, body: Record<string, unknown>): Handled {
    if (method === 'GET' && path === '/v1/profiles') return { status: 200, body: profiles }

    let match = /^\/v3\/profiles\/(\d+)\/quotes$/.exec(path)
    if (method === 'POST' && match) {
      if (!profiles.some((p) => String(p.id) === match?.[1]))
        return problem(403, 'FORBIDDEN', 'Unknown profile')
      for (const field of ['sourceCurrency', 'targetCurrency'])
        if (typeof body[field] !== 'string') return missing(field)
      if (typeof body.targetAmount !== 'number' && typeof body.sourceAmount !== 'number')
        return missing('targetAmount')
      const expirationTime = new Date(now().getTime() + QUOTE_LIFETIME_MS).toISOString()
      const quote = { id: randomUUID(), ...body, profile: Number(match[1]), rate: 1, expirationTime }
      quotes.set(quote.id, quote)
      return { status: 200, body: quote }
    }

    if (method === 'POST' && path === '/v1/accounts') {
      const details = body.details as Record<string, unknown> | undefined
      for (const field of ['profile', 'accountHolderName', 'currency', 'type']) {
        if (body[field] === undefined) return missing(field)
      }
      if (body.type !== 'iban') return problem(422, 'NOT_VALID', 'Only iban accounts here', 'type')
      if (typeof details?.IBAN !== 'string') return missing('details.IBAN')
      if (typeof details.legalType !== 'string') return missing('details.legalType')
      const recipient = { id: nextId++, ...body }
      recipients.set(recipient.id, recipient)
      return { status: 200, body: recipient }
    }

    if (method === 'POST' && path === '/v1/transfers') {
      const { targetAccount, quoteUuid, customerTransactionId } = body
      if (typeof targetAccount !== 'number') return missing('targetAccount')
      if (typeof quoteUuid !== 'string') return missing('quoteUuid')
      if (typeof customerTransactionId !== 'string' || !UUID.test(customerTransactionId)) {
        return missing('customerTransactionId')
      }
      // Idempotency: the same customerTransactionId gives back the transfer it created.
      const existing = [...transfers.values()].find((t) => t.customerTransactionId === customerTransactionId)
      if (existing) return { status: 200, body: existing }
      if (!recipients.has(targetAccount))
        return problem(422, 'NOT_VALID', 'Unknown recipient', 'targetAccount')
      const quote = quotes.get(quoteUuid)
      if (!quote) return problem(422, 'NOT_VALID', 'Unknown quote', 'quoteUuid')
      if (expiredQuotes.has(quoteUuid) || Date.parse(String(quote.expirationTime)) <= now().getTime()) {
        return problem(422, 'QUOTE_EXPIRED', 'Quote has expired', 'quoteUuid')
      }
      // A quote with payOut BALANCE delivers to a Wise balance: it cannot pay a bank account.
      if (quote.payOut === 'BALANCE' && recipients.get(targetAccount)?.type === 'iban') {
        return problem(422, 'NOT_VALID', 'A BALANCE payOut quote cannot pay an IBAN recipient', 'quoteUuid')
      }
      const details = body.details as { reference?: string } | undefined
      const transfer: WiseTransferRecord = {
        id: nextId++,
        targetAccount,
        quoteUuid,
        customerTransactionId,
        reference: details?.reference ?? '',
        status: 'incoming_payment_waiting',
        fundings: 0,
      }
      transfers.set(transfer.id, transfer)
      return { status: 200, body: transfer }
    }

    match = /^\/v1\/transfers\/(\d+)$/.exec(path)
    if (method === 'GET' && match) {
      const transfer = transfers.get(Number(match[1]))
      return transfer ? { status: 200, body: transfer } : problem(404, 'NOT_FOUND', 'No such transfer')
    }

    match = /^\/v3\/profiles\/(\d+)\/transfers\/(\d+)\/payments$/.exec(path)
    if (method === 'POST' && match) {
      const transfer = transfers.get(Number(match[2]))
      if (!transfer) return problem(404, 'NOT_FOUND', 'No such transfer')
      if (body.type !== 'BALANCE') return missing('type')
      if (transfer.status !== 'incoming_payment_waiting') {
        return problem(409, 'transfer.state.invalid', `Transfer is ${transfer.status}`)
      }
      transfer.status = 'processing'
      transfer.fundings += 1
      return { status: 201, body: { type: 'BALANCE', status: 'COMPLETED', errorCode: null } }
    }

    match = /^\/v1\/transfers\/(\d+)\/cancel$/.exec(path)
    if (method === 'PUT' && match) {
      const transfer = transfers.get(Number(match[1]))
      if (!transfer) return problem(404, 'NOT_FOUND', 'No such transfer')
      if (transfer.status !== 'incoming_payment_waiting') {
        return problem(409, 'transfer.state.invalid', `Transfer is ${transfer.status}`)
      }
      transfer.status = 'cancelled'
      return { status: 200, body: transfer }
    }
    return problem(404, 'NOT_FOUND', `No route ${method} ${path}`)
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const index = faults.findIndex((f) => f.method === method && f.path.test(path))
    const fault = faults[index]
    if (!fault) return undefined
    fault.left -= 1
    if (fault.left <= 0) faults.splice(index, 1)
    return fault
  }

  function respond(response: ServerResponse, { status, body }: Handled) {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const method = request.method ?? 'GET'
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/'
    requests.push({ method, path, authorization: request.headers.authorization, body: text })
    if (request.headers.authorization !== `Bearer ${token}`) {
      respond(response, { status: 401, body: { error: 'unauthorized', error_description: 'Invalid token' } })
      return
    }
    const fault = takeFault(method, path)
    if (fault?.hang) {
      hanging.add(response)
      return
    }
    if (fault?.status !== undefined) {
      respond(response, problem(fault.status, 'FAULT', 'Injected failure'))
      return
    }
    let body: Record<string, unknown> = {}
    if (text !== '') {
      try {
        body = JSON.parse(text) as Record<string, unknown>
      } catch {
        respond(response, problem(400, 'BAD_JSON', 'Body is not JSON'))
        return
      }
    }
    const handled = handle(method, path, body)
    if (fault?.loseAnswer) {
      response.socket?.destroy()
      return
    }
    respond(response, handled)
  }

  const { server, url } = await listenLocally(serve)

  return {
    url,
    token,
    profiles,
    requests,
    quotes,
    recipients,
    transfers,
    fault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 })
    },
    expireQuote(quoteId) {
      if (!quotes.has(quoteId)) throw new Error(`No quote ${quoteId}`)
      expiredQuotes.add(quoteId)
    },
    cancel(transferId) {
      const transfer = transfers.get(transferId)
      if (transfer?.status !== 'incoming_payment_waiting') {
        throw new Error(`Transfer ${transferId} is not waiting for funds`)
      }
      transfer.status = 'cancelled'
    },
    calls: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy()
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}
