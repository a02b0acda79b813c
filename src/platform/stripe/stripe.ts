import Stripe from 'stripe'
import type { BillingConfig } from '../../config-billing.ts'
import { AppError } from '../errors.ts'

/*
 * Card payments through Stripe's official SDK: Checkout Sessions for paying, Refunds for paying back,
 * and the signature check of the webhooks Stripe sends. Every call that creates something carries an
 * idempotency key the caller stored first, so a retry after a lost answer finds what the first made.
 */

export interface NewCheckout {
  amountCents: bigint
  currency: string
  /** What the guest sees on Stripe's page. */
  description: string
  bookingId: number
  successUrl: string
  cancelUrl: string
  /** When Stripe stops accepting the payment (Stripe wants 30 minutes to 24 hours from now). */
  expiresAt: Date
  idempotencyKey: string
}

export interface Checkout {
  id: string
  url: string
  expiresAt: Date
}

export type RefundState = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled'

export interface ProviderRefund {
  id: string
  status: RefundState
  failureReason: string | null
}

/** A verified webhook event: Stripe's id, type and the object it is about. */
export interface WebhookEvent {
  id: string
  type: string
  payload: unknown
}

export interface StripeGateway {
  createCheckout(checkout: NewCheckout): Promise<Checkout>
  /** Ends a session still open, so it can no longer be paid; one already complete or expired is left. */
  expireCheckout(sessionId: string): Promise<void>
  createRefund(refund: {
    paymentIntentId: string
    amountCents: bigint
    refundId: number
    idempotencyKey: string
  }): Promise<ProviderRefund>
  /** Throws a 400 AppError (`invalid_signature`) unless `signature` signs `rawBody` with the secret. */
  verifyEvent(rawBody: Buffer, signature: string | undefined, receivedAt: Date): WebhookEvent
}

const REFUND_STATES: readonly RefundState[] = [
  'pending',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
]

/** Stripe refuses a Checkout Session's expiry earlier than 30 minutes after its creation. */
export const MIN_CHECKOUT_LIFETIME_MS = 30 * 60 * 1000

function unavailable(error: unknown): AppError {
  const detail = error instanceof Error ? error.message : String(error)
  return new AppError(
    'unavailable',
    'payment_provider_unavailable',
    `The payment provider failed: ${detail}`,
    {
      cause: error,
    },
  )
}

export function createStripeGateway(config: BillingConfig): StripeGateway | undefined {
  const { secretKey, webhookSecret, api, timeoutMs } = config.stripe
  if (secretKey === undefined || webhookSecret === undefined) return undefined
  const stripe = new Stripe(secretKey, { ...api, timeout: timeoutMs, maxNetworkRetries: 1 })

  return {
    async createCheckout(checkout) {
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: String(checkout.bookingId),
            metadata: { booking_id: String(checkout.bookingId) },
            payment_intent_data: { metadata: { booking_id: String(checkout.bookingId) } },
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: checkout.currency.toLowerCase(),
                  unit_amount: Number(checkout.amountCents),
                  product_data: { name: checkout.description },
                },
              },
            ],
            success_url: checkout.successUrl,
            cancel_url: checkout.cancelUrl,
            expires_at: Math.floor(checkout.expiresAt.getTime() / 1000),
          },
          { idempotencyKey: checkout.idempotencyKey },
        )
        if (!session.url) throw new Error(`Checkout Session ${session.id} has no URL`)
        return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) }
      } catch (error) {
        throw unavailable(error)
      }
    },

    async expireCheckout(sessionId) {
      try {
        const session = await stripe.checkout.sessions.retrieve(sessionId)
        if (session.status === 'open') await stripe.checkout.sessions.expire(sessionId)
      } catch (error) {
        throw unavailable(error)
      }
    },

    async createRefund(refund) {
      try {
        const created = await stripe.refunds.create(
          {
            payment_intent: refund.paymentIntentId,
            amount: Number(refund.amountCents),
            metadata: { refund_id: String(refund.refundId) },
          },
          { idempotencyKey: refund.idempotencyKey },
        )
        return {
          id: created.id,
          status: refundState(created.status),
          failureReason: created.failure_reason ?? null,
        }
      } catch (error) {
        throw unavailable(error)
      }
    },

    verifyEvent(rawBody, signature, receivedAt) {
      if (signature === undefined) {
        throw new AppError('invalid', 'invalid_signature', 'The Stripe-Signature header is missing.')
      }
      try {
        const event = stripe.webhooks.constructEvent(
          rawBody,
          signature,
          webhookSecret,
          undefined,
          undefined,
          receivedAt.getTime(),
        )
        return { id: event.id, type: event.type, payload: JSON.parse(rawBody.toString('utf8')) as unknown }
      } catch (error) {
        throw new AppError(
          'invalid',
          'invalid_signature',
          'The Stripe-Signature header does not sign this body.',
          {
            cause: error,
          },
        )
      }
    },
  }
}

/** A refund's state as Stripe reports it; anything unknown counts as still pending. */
export function refundState(status: string | null | undefined): RefundState {
  return REFUND_STATES.find((state) => state === status) ?? 'pending'
}
