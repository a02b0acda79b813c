import { setTimeout as sleep } from 'node:timers/promises'
import { PayoutProviderError } from './provider.ts'

/*
 * A typed client for the part of Wise's API that pays a recipient from a Wise balance
 * (https://docs.wise.com/api-reference): profiles, quotes (v3), recipient accounts (v1, IBAN),
 * transfers (v1, idempotent by customerTransactionId), funding (v3, type BALANCE) and cancel.
 * The token goes in the Authorization header only: it is never logged nor put in an error.
 */

export interface WiseClientOptions {
  apiToken: string
  /** https://api.sandbox.transferwise.tech (sandbox) or https://api.wise.com (live). */
  baseUrl: string
  /** How long one HTTP attempt may take. */
  timeoutMs?: number
  /** Further attempts after a 5xx, a network error or a timeout (never after another 4xx). */
  retries?: number
  /** Delay before the first retry; doubles on each further one. */
  retryDelayMs?: number
  fetch?: typeof fetch
}

export interface WiseProfile {
  id: number
  type: string
}

export interface WiseQuote {
  id: string
  /** When the quote expires (ISO 8601); a transfer must be created from it before then. */
  expirationTime?: string
}

export interface WiseRecipient {
  id: number
}

export interface WiseTransfer {
  id: number
  status: string
  customerTransactionId?: string
}

export interface WiseFunding {
  type: string
  status: string
  errorCode: string | null
}

export interface NewQuote {
  sourceCurrency: string
  targetCurrency: string
  /** A decimal string ("120.00"); written into the JSON as a number without passing through a float. */
  targetAmount: string
  targetAccount?: number
}

export interface NewIbanRecipient {
  profile: number
  accountHolderName: string
  currency: string
  iban: string
  legalType: 'PRIVATE' | 'BUSINESS'
}

export interface NewTransfer {
  targetAccount: number
  quoteUuid: string
  customerTransactionId: string
  reference: string
}

/** Wise's answer to a failed call: its HTTP status, its own code and a readable message. */
export class WiseApiError extends PayoutProviderError {
  readonly status: number | undefined
  readonly code: string | undefined
  /** The request field Wise's first error is about (its `path`), if it names one. */
  readonly field: string | undefined

  constructor(
    message: string,
    options: { status?: number; code?: string; field?: string; permanent: boolean; cause?: unknown },
  ) {
    super(message, { permanent: options.permanent, cause: options.cause })
    this.name = 'WiseApiError'
    this.status = options.status
    this.code = options.code
    this.field = options.field
  }
}

/** Transfer statuses after which the transfer is funded (or beyond): funding again must not happen. */
const FUNDED_STATUSES = new Set([
  'processing',
  'funds_converted',
  'outgoing_payment_sent',
  'bounced_back',
  'funds_refunded',
  'charged_back',
])
const AMOUNT = /^\d{1,13}\.\d{2}$/

export type WiseClient = ReturnType<typeof createWiseClient>

export function createWiseClient(options: WiseClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 10_000
  const retries = options.retries ?? 2
  const retryDelayMs = options.retryDelayMs ?? 500
  const send = options.fetch ?? fetch
  // The longest one call can take: every attempt times out, with the growing waits between them.
  const worstCaseCallMs = (retries + 1) * timeoutMs + retryDelayMs * (2 ** retries - 1)

  async function call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: string): Promise<T> {
    let lastError: WiseApiError | undefined
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs * 2 ** (attempt - 1))
      try {
        return await once<T>(method, path, body)
      } catch (error) {
        if (!(error instanceof WiseApiError) || error.permanent) throw error
        lastError = error
      }
    }
    throw lastError ?? new WiseApiError('Wise did not answer.', { permanent: false })
  }

  async function once<T>(method: string, path: string, body: string | undefined): Promise<T> {
    const what = `${method} ${path}`
    let response: Response
    try {
      response = await send(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.apiToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      throw new WiseApiError(
        timedOut
          ? `Wise did not answer ${what} within ${timeoutMs} ms.`
          : `Could not reach Wise for ${what}: ${error instanceof Error ? error.message : String(error)}.`,
        { permanent: false, cause: error },
      )
    }
    const text = await response.text().catch(() => '')
    if (response.ok) {
      try {
        return JSON.parse(text) as T
      } catch (error) {
        throw new WiseApiError(`Wise answered ${what} with a body that is not JSON.`, {
          status: response.status,
          permanent: false,
          cause: error,
        })
      }
    }
    throw errorOf(what, response.status, text)
  }

  return {
    worstCaseCallMs,

    async listProfiles(): Promise<WiseProfile[]> {
      return call<WiseProfile[]>('GET', '/v1/profiles')
    },

    async createQuote(profileId: number, quote: NewQuote): Promise<WiseQuote> {
      const fields = {
        sourceCurrency: quote.sourceCurrency,
        targetCurrency: quote.targetCurrency,
        // No `payOut`: Wise's default pays out to the recipient's bank account; `BALANCE` would mean
        // delivering to a Wise balance. Funding from our balance is the payment's `type`, not this.
        ...(quote.targetAccount === undefined ? {} : { targetAccount: quote.targetAccount }),
      }
      return call<WiseQuote>(
        'POST',
        `/v3/profiles/${profileId}/quotes`,
        withAmount(fields, quote.targetAmount),
      )
    },

    async createIbanRecipient(recipient: NewIbanRecipient): Promise<WiseRecipient> {
      return call<WiseRecipient>(
        'POST',
        '/v1/accounts',
        JSON.stringify({
          profile: recipient.profile,
          accountHolderName: recipient.accountHolderName,
          currency: recipient.currency,
          type: 'iban',
          details: { legalType: recipient.legalType, IBAN: recipient.iban },
        }),
      )
    },

    /** Idempotent: the same customerTransactionId gives back the transfer it first created. */
    async createTransfer(transfer: NewTransfer): Promise<WiseTransfer> {
      return call<WiseTransfer>(
        'POST',
        '/v1/transfers',
        JSON.stringify({
          targetAccount: transfer.targetAccount,
          quoteUuid: transfer.quoteUuid,
          customerTransactionId: transfer.customerTransactionId,
          details: { reference: transfer.reference },
        }),
      )
    },

    async getTransfer(transferId: number): Promise<WiseTransfer> {
      return call<WiseTransfer>('GET', `/v1/transfers/${transferId}`)
    },

    async fundTransfer(profileId: number, transferId: number): Promise<WiseFunding> {
      return call<WiseFunding>(
        'POST',
        `/v3/profiles/${profileId}/transfers/${transferId}/payments`,
        JSON.stringify({ type: 'BALANCE' }),
      )
    },

    async cancelTransfer(transferId: number): Promise<WiseTransfer> {
      return call<WiseTransfer>('PUT', `/v1/transfers/${transferId}/cancel`)
    },
  }
}

/**
 * True when Wise refused a transfer because of its quote (expired, used, unknown): a new quote may
 * succeed where the old one cannot.
 */
export function isQuoteRefusal(error: unknown): boolean {
  if (!(error instanceof WiseApiError) || !error.permanent) return false
  if (error.status === 401 || error.status === 403) return false
  return error.field === 'quoteUuid' || /quote/i.test(error.code ?? '')
}

/** True when a transfer in this status was already funded. */
export function isFundedStatus(status: string): boolean {
  return FUNDED_STATUSES.has(status)
}

/** The JSON of `fields` plus `targetAmount` written as a JSON number from its decimal string. */
function withAmount(fields: Record<string, unknown>, amount: string): string {
  if (!AMOUNT.test(amount)) throw new Error(`Not an amount with two decimals: ${amount}`)
  const json = JSON.stringify(fields)
  return `${json.slice(0, -1)},"targetAmount":${amount}}`
}

/** Wise's error bodies: `{errors: [{code, message, path}]}`, or `{error, error_description}` (auth). */
interface WiseErrorBody {
  errors?: { code?: string; message?: string; path?: string }[]
  error?: string
  error_description?: string
  message?: string
}

function errorOf(what: string, status: number, text: string): WiseApiError {
  let body: WiseErrorBody = {}
  try {
    body = JSON.parse(text) as WiseErrorBody
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const first = body.errors?.[0]
  const code = first?.code ?? body.error
  const said =
    body.errors
      ?.map((error) => [error.path, error.message ?? error.code].filter(Boolean).join(': '))
      .join('; ') ||
    body.error_description ||
    body.message
  const detail = said ? ` ${said}` : ''
  if (status === 401) {
    return new WiseApiError(`Wise refused the API token for ${what} (401); check WISE_API_TOKEN.${detail}`, {
      status,
      ...(code ? { code } : {}),
      permanent: true,
    })
  }
  if (status === 403) {
    return new WiseApiError(
      `Wise did not allow ${what} (403); check the token's permissions and WISE_PROFILE_ID.${detail}`,
      { status, ...(code ? { code } : {}), permanent: true },
    )
  }
  if (status === 429 || status >= 500) {
    return new WiseApiError(`Wise could not handle ${what} right now (${status}).${detail}`, {
      status,
      ...(code ? { code } : {}),
      permanent: false,
    })
  }
  return new WiseApiError(`Wise refused ${what} (${status}).${detail}`, {
    status,
    ...(code ? { code } : {}),
    ...(first?.path ? { field: first.path } : {}),
    permanent: true,
  })
}
