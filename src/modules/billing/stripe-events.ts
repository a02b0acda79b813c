import { Type } from 'typebox'
import { transaction } from '../../platform/database/transaction.ts'
import { defineJob } from '../../platform/jobs/jobs.ts'
import { refundState } from '../../platform/stripe/stripe.ts'
import type { BookingsApi } from '../bookings/index.ts'
import { stripeOf, type BillingContext } from './billing.context.ts'
import { latePaymentRefundEmail } from './billing.emails.ts'
import * as repository from './billing.repository.ts'
import type { BookingPaymentsOfBilling } from './booking-payments.ts'
import type { Refunds } from './refunds.ts'

/** What billing asks of bookings when money arrives or a hold passes. */
export type BookingOutcomes = Pick<
  BookingsApi,
  'guestOf' | 'paymentReceived' | 'holdExpired' | 'availabilityChanged'
>

/** The parts of Stripe's objects read here (events carry more). */
interface SessionObject {
  id?: string
  payment_status?: string
  client_reference_id?: string | null
  metadata?: Record<string, string> | null
  payment_intent?: string | { id: string } | null
}
interface RefundObject {
  id?: string
  status?: string | null
  failure_reason?: string | null
  metadata?: Record<string, string> | null
}
interface ChargeObject {
  payment_intent?: string | { id: string } | null
  refunded?: boolean
}
interface StoredEvent {
  type: string
  data?: { object?: unknown }
}

/**
 * Stripe's webhooks. An event is verified, stored by its id and its handling enqueued, all in one
 * transaction; a redelivered event finds its row and does nothing. Handling reads the event's object
 * and moves the booking, the charge and the refund by conditional updates, so events may come in any
 * order, and twice.
 */
export function createStripeEvents(
  context: BillingContext,
  bookings: BookingOutcomes,
  payments: BookingPaymentsOfBilling,
  refunds: Refunds,
) {
  const { clock } = context

  const handleEvent = defineJob({
    name: 'billing.handle-stripe-event',
    payload: Type.Object({ eventId: Type.String() }),
    handle: async ({ eventId }, { logger }) => {
      const event = await repository.findEvent(context.db, eventId)
      if (!event || event.handled_at !== null) return
      const { object } = (event.payload as StoredEvent).data ?? {}
      if (
        event.type === 'checkout.session.completed' ||
        event.type === 'checkout.session.async_payment_succeeded'
      ) {
        await sessionPaid(eventId, object as SessionObject)
      } else if (event.type === 'checkout.session.expired') {
        await sessionExpired(eventId, object as SessionObject)
      } else if (event.type === 'charge.refunded') {
        await chargeRefunded(eventId, object as ChargeObject)
      } else if (event.type.startsWith('refund.')) {
        await refundChanged(eventId, object as RefundObject)
      } else {
        await markHandled(eventId)
      }
      logger.info({ eventId, type: event.type }, 'Stripe event handled')
    },
  })

  /** Verifies and stores an event, and enqueues its handling; false when it was stored before. */
  async function receive(rawBody: Buffer, signature: string | undefined): Promise<boolean> {
    const event = stripeOf(context).verifyEvent(rawBody, signature, clock.now())
    return transaction(context.db, async (tx) => {
      const stored = await repository.storeEvent(tx, { ...event, now: clock.now() })
      if (stored) await context.jobs.send(handleEvent, { eventId: event.id }, { executor: tx })
      return stored
    })
  }

  async function markHandled(eventId: string): Promise<void> {
    await repository.markEventHandled(context.db, eventId, clock.now())
  }

  /**
   * The guest paid. The booking is confirmed if it can be (bookings decide, under the room type's
   * lock); otherwise the payment is refunded in full and the guest told. The booking is decided
   * before its charge is locked, in the order a cancellation locks them.
   */
  async function sessionPaid(eventId: string, session: SessionObject): Promise<void> {
    const bookingId = bookingOf(session)
    if (session.payment_status !== 'paid' || bookingId === undefined) return markHandled(eventId)
    const guest = await bookings.guestOf(bookingId)
    const intent = idOf(session.payment_intent)
    await transaction(context.db, async (tx) => {
      const outcome = await bookings.paymentReceived(tx, bookingId, guest)
      const charge = await repository.lockChargeOfBooking(tx, bookingId)
      const now = clock.now()
      const paid = charge
        ? await repository.moveCharge(tx, charge.id, ['pending', 'expired', 'failed'], 'paid', {
            now,
            paidAt: now,
            paymentIntentId: intent ?? null,
          })
        : undefined
      if (outcome === 'refused' && paid) {
        const refund = await refunds.requestRefund(tx, paid, 'late_payment')
        if (refund && guest) await context.emails.enqueue(latePaymentRefundEmail(guest, refund), tx)
      }
      await repository.markEventHandled(tx, eventId, now)
    })
    await bookings.availabilityChanged(bookingId)
  }

  /** Stripe closed the session unpaid: the hold ends now, if it had not already. */
  async function sessionExpired(eventId: string, session: SessionObject): Promise<void> {
    const bookingId = bookingOf(session)
    if (bookingId === undefined) return markHandled(eventId)
    await transaction(context.db, async (tx) => {
      await bookings.holdExpired(tx, bookingId)
      const charge = await repository.lockChargeOfBooking(tx, bookingId)
      if (charge) await payments.closePayment(tx, charge)
      await repository.markEventHandled(tx, eventId, clock.now())
    })
    await bookings.availabilityChanged(bookingId)
  }

  /** Stripe refunded the payment (in full, or in part when done from Stripe's dashboard). */
  async function chargeRefunded(eventId: string, object: ChargeObject): Promise<void> {
    const intent = idOf(object.payment_intent)
    const charge = intent === undefined ? undefined : await repository.findChargeOfPayment(context.db, intent)
    await transaction(context.db, async (tx) => {
      const now = clock.now()
      if (charge) {
        const to = object.refunded === true ? 'refunded' : 'partially_refunded'
        await repository.moveCharge(tx, charge.id, ['paid', 'partially_refunded'], to, { now })
      }
      await repository.markEventHandled(tx, eventId, now)
    })
  }

  async function refundChanged(eventId: string, object: RefundObject): Promise<void> {
    const refundId = Number(object.metadata?.refund_id)
    const refund = Number.isSafeInteger(refundId)
      ? await repository.findRefund(context.db, refundId)
      : undefined
    await transaction(context.db, async (tx) => {
      if (refund && object.id) {
        await refunds.recordState(tx, refund, {
          stripeRefundId: object.id,
          status: refundState(object.status),
          failureReason: object.failure_reason ?? null,
        })
      }
      await repository.markEventHandled(tx, eventId, clock.now())
    })
  }

  return { receive, jobs: [handleEvent] }
}

/** The id of an object Stripe sends either as its id or expanded. */
function idOf(reference: string | { id: string } | null | undefined): string | undefined {
  return typeof reference === 'string' ? reference : reference?.id
}

/** The booking a session pays for: its metadata, else its client reference. */
function bookingOf(session: SessionObject): number | undefined {
  const id = Number(session.metadata?.booking_id ?? session.client_reference_id ?? NaN)
  return Number.isSafeInteger(id) && id > 0 ? id : undefined
}
