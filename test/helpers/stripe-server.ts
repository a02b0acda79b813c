import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import Stripe from 'stripe'
import { listenLocally } from './local-http.ts'

/*
 * A local HTTP server speaking the part of Stripe's API that billing uses: Checkout Sessions (create,
 * retrieve, expire) and Refunds (create, retrieve). Like Stripe it reads form-encoded bodies, checks
 * the secret key, replays the first answer for a repeated Idempotency-Key (and refuses the key with
 * other parameters), and it can fail or hang on demand. It also makes the events Stripe would send
 * and signs them as Stripe does.
 */

export interface StripeRequest {
  method: string
  path: string
  idempotencyKey: string | undefined
  params: Record<string, unknown>
}

export interface StripeFault {
  method: string
  path: RegExp
  /** Answer with this status (and a Stripe-style error) instead of handling the request. */
  status?: number
  /** Never answer (the SDK's timeout has to end it). */
  hang?: boolean
  /** Handle the request, then cut the connection without answering: the answer is lost. */
  loseAnswer?: boolean
  times?: number
}

export interface FakeSession {
  id: string
  object: 'checkout.session'
  mode: string
  status: 'open' | 'complete' | 'expired'
  payment_status: 'unpaid' | 'paid'
  url: string | null
  amount_total: number
  currency: string
  client_reference_id: string | null
  metadata: Record<string, string>
  payment_intent: string | null
  expires_at: number
  success_url: string
  cancel_url: string
}

export interface FakeRefund {
  id: string
  object: 'refund'
  amount: number
  currency: string
  payment_intent: string
  status: string
  failure_reason: string | null
  metadata: Record<string, string>
}

export interface StripeServer {
  url: string
  secretKey: string
  webhookSecret: string
  requests: StripeRequest[]
  sessions: Map<string, FakeSession>
  refunds: Map<string, FakeRefund>
  fault(fault: StripeFault): void
  /** The guest pays: the session completes with a PaymentIntent; returns the session. */
  pay(sessionId: string): FakeSession
  /** A Stripe event about `object`, with an id of its own. */
  event(type: string, object: object): { id: string; body: string }
  /** The `Stripe-Signature` of `body`, signed at `at` (default now) with the webhook secret. */
  sign(body: string, at?: Date): string
  calls(method: string, path: RegExp): StripeRequest[]
  close(): Promise<void>
}

interface Handled {
  status: number
  body: unknown
}

/** `a[b][0][c]=1` → { a: { b: [{ c: '1' }] } } (Stripe's form encoding). */
export function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== '')
    let node: Record<string, unknown> = root
    path.forEach((part, index) => {
      if (index === path.length - 1) {
        node[part] = value
        return
      }
      node[part] ??= {}
      node = node[part] as Record<string, unknown>
    })
  }
  return root
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`

export async function startStripeServer(): Promise<StripeServer> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`
  const webhookSecret = `whsec_${randomBytes(12).toString('hex')}`
  const requests: StripeRequest[] = []
  const sessions = new Map<string, FakeSession>()
  const refunds = new Map<string, FakeRefund>()
  const faults: (StripeFault & { left: number })[] = []
  const answers = new Map<string, { params: string; handled: Handled }>()
  const hanging = new Set<ServerResponse>()

  const error = (status: number, message: string, param?: string): Handled => ({
    status,
    body: { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } },
  })

  function createSession(params: Record<string, unknown>): Handled {
    if (params.mode !== 'payment') return error(400, 'mode must be payment', 'mode')
    for (const field of ['success_url', 'cancel_url', 'expires_at']) {
      if (typeof params[field] !== 'string') return error(400, `Missing required param: ${field}.`, field)
    }
    const items = params.line_items as Record<string, Record<string, Record<string, string>>> | undefined
    const price = items?.['0']?.price_data
    if (!price?.currency || !price.unit_amount) return error(400, 'line_items need price_data', 'line_items')
    const sessionId = id('cs_test')
    const session: FakeSession = {
      id: sessionId,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      url: `https://checkout.stripe.test/c/pay/${sessionId}`,
      amount_total: Number(price.unit_amount) * Number(items?.['0']?.quantity ?? 1),
      currency: price.currency,
      client_reference_id: (params.client_reference_id as string | undefined) ?? null,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      payment_intent: null,
      expires_at: Number(params.expires_at),
      success_url: params.success_url as string,
      cancel_url: params.cancel_url as string,
    }
    sessions.set(sessionId, session)
    return { status: 200, body: session }
  }

  function createRefund(params: Record<string, unknown>): Handled {
    const intent = params.payment_intent
    const session = [...sessions.values()].find((s) => s.payment_intent === intent)
    if (!session) return error(400, `No such payment_intent: '${String(intent)}'`, 'payment_intent')
    const amount = Number(params.amount ?? session.amount_total)
    const refunded = [...refunds.values()].filter((r) => r.payment_intent === intent)
    if (refunded.reduce((sum, r) => sum + r.amount, 0) + amount > session.amount_total) {
      return error(400, 'Refund amount is greater than unrefunded amount on charge', 'amount')
    }
    const refund: FakeRefund = {
      id: id('re'),
      object: 'refund',
      amount,
      currency: session.currency,
      payment_intent: session.payment_intent ?? '',
      status: 'succeeded',
      failure_reason: null,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
    }
    refunds.set(refund.id, refund)
    return { status: 200, body: refund }
  }

  function handle(method: string, path: string, params: Record<string, unknown>): Handled {
    if (method === 'POST' && path === '/v1/checkout/sessions') return createSession(params)
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params)
    let match = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path)
    if (match) {
      const session = sessions.get(match[1] ?? '')
      if (!session) return error(404, `No such checkout.session: '${match[1]}'`)
      if (method === 'GET' && !match[2]) return { status: 200, body: session }
      if (method === 'POST' && match[2]) {
        if (session.status !== 'open')
          return error(400, `Only open sessions can be expired (${session.status}).`)
        session.status = 'expired'
        session.url = null
        return { status: 200, body: session }
      }
    }
    match = /^\/v1\/refunds\/([^/]+)$/.exec(path)
    if (method === 'GET' && match) {
      const refund = refunds.get(match[1] ?? '')
      return refund ? { status: 200, body: refund } : error(404, `No such refund: '${match[1]}'`)
    }
    return error(404, `Unrecognized request URL (${method}: ${path}).`)
  }

  function takeFault(method: string, path: string): StripeFault | undefined {
    const index = faults.findIndex((f) => f.method === method && f.path.test(path))
    const fault = faults[index]
    if (!fault) return undefined
    fault.left -= 1
    if (fault.left <= 0) faults.splice(index, 1)
    return fault
  }

  /** A create with a key seen before replays that answer; the same key with other parameters is refused. */
  function idempotent(key: string | undefined, text: string, work: () => Handled): Handled {
    if (key === undefined) return work()
    const seen = answers.get(key)
    if (seen) {
      return seen.params === text
        ? seen.handled
        : error(400, 'Keys for idempotent requests can only be used with the same parameters.')
    }
    const handled = work()
    if (handled.status < 500) answers.set(key, { params: text, handled })
    return handled
  }

  async function serve(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const method = request.method ?? 'GET'
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/'
    const key = request.headers['idempotency-key']
    const idempotencyKey = typeof key === 'string' ? key : undefined
    const params = parseForm(text)
    requests.push({ method, path, idempotencyKey, params })
    const respond = ({ status, body }: Handled) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      respond(error(401, 'Invalid API Key provided.'))
      return
    }
    const fault = takeFault(method, path)
    if (fault?.hang) {
      hanging.add(response)
      return
    }
    if (fault?.status !== undefined) {
      respond({ status: fault.status, body: { error: { type: 'api_error', message: 'Injected failure' } } })
      return
    }
    const creates = method === 'POST' && (path === '/v1/checkout/sessions' || path === '/v1/refunds')
    if (creates && idempotencyKey === undefined) {
      respond(error(400, 'This fake wants an Idempotency-Key on every create.'))
      return
    }
    const handled = creates
      ? idempotent(idempotencyKey, text, () => handle(method, path, params))
      : handle(method, path, params)
    if (fault?.loseAnswer) {
      response.socket?.destroy()
      return
    }
    respond(handled)
  }

  const { server, url } = await listenLocally(serve)

  return {
    url,
    secretKey,
    webhookSecret,
    requests,
    sessions,
    refunds,
    fault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 })
    },
    pay(sessionId) {
      const session = sessions.get(sessionId)
      if (!session) throw new Error(`No session ${sessionId}`)
      session.status = 'complete'
      session.payment_status = 'paid'
      session.payment_intent ??= id('pi')
      return session
    },
    event(type, object) {
      const eventId = `evt_${randomUUID().replaceAll('-', '')}`
      const body = JSON.stringify({
        id: eventId,
        object: 'event',
        api_version: '2025-01-01',
        type,
        created: Math.floor(Date.now() / 1000),
        data: { object },
      })
      return { id: eventId, body }
    },
    sign(body, at = new Date()) {
      return Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: webhookSecret,
        timestamp: Math.floor(at.getTime() / 1000),
      })
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
