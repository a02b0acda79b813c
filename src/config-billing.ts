import type { Reader } from './config-reader.ts'

const STRIPE_API = 'https://api.stripe.com'

/** Card payments of bookings through Stripe: on when STRIPE_SECRET_KEY is set. */
export interface BillingConfig {
  stripe: {
    secretKey: string | undefined
    webhookSecret: string | undefined
    /** Where the SDK sends its requests: Stripe's own API, or a stand-in (tests, staging). */
    api: { host: string; port: number; protocol: 'http' | 'https' }
    timeoutMs: number
  }
  /** ISO 4217 currency guests pay bookings in. */
  currency: string
  /** How long a booking waiting for its payment holds its rooms. */
  holdSeconds: number
}

export function readBilling(read: Reader, problems: string[]): BillingConfig {
  const base = new URL(read.url('STRIPE_API_BASE', STRIPE_API))
  const protocol = base.protocol === 'http:' ? 'http' : 'https'
  const secretKey = read.optionalString('STRIPE_SECRET_KEY')
  const webhookSecret = read.optionalString('STRIPE_WEBHOOK_SECRET')
  if (secretKey !== undefined && webhookSecret === undefined) {
    problems.push(
      'STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET (payments are confirmed by signed webhooks).',
    )
  }
  return {
    stripe: {
      secretKey,
      webhookSecret,
      api: {
        host: base.hostname,
        port: base.port === '' ? (protocol === 'http' ? 80 : 443) : Number(base.port),
        protocol,
      },
      timeoutMs: read.duration('STRIPE_TIMEOUT', 15, 300) * 1000,
    },
    currency: read.currency('BOOKING_CURRENCY', 'EUR'),
    holdSeconds: read.duration('BOOKING_PAYMENT_HOLD', 15 * 60, 24 * 3600),
  }
}
