import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import type { QueryRunner } from '../../platform/database/transaction.ts'
import { defineJob } from '../../platform/jobs/jobs.ts'
import { MIN_CHECKOUT_LIFETIME_MS } from '../../platform/stripe/stripe.ts'
import { toCents } from '../../platform/validation/money.ts'
import type { BookingPayments, PaymentFacts, PaymentView } from '../bookings/index.ts'
import { stripeOf, type BillingContext } from './billing.context.ts'
import * as repository from './billing.repository.ts'
import type { BillingDb, ChargeRow } from './billing.repository.ts'
import type { Refunds } from './refunds.ts'

/**
 * How bookings are paid: a charge written with the booking, a Stripe Checkout Session opened once the
 * booking committed, and, on cancellation, a refund of what was paid or the end of an open payment.
 */
export function createBookingPayments(context: BillingContext, refunds: Refunds) {
  const { clock, settings } = context

  /** Closes an open Checkout Session at Stripe, so a booking no longer waiting cannot be paid. */
  const expireCheckout = defineJob({
    name: 'billing.expire-checkout',
    payload: Type.Object({ bookingId: Type.Integer() }),
    handle: async ({ bookingId }) => {
      const charge = await repository.findChargeOfBooking(context.db, bookingId)
      if (charge?.checkout_session_id) await stripeOf(context).expireCheckout(charge.checkout_session_id)
    },
  })

  const payments: BookingPayments = {
    holdUntil: (now) => new Date(now.getTime() + settings.holdSeconds * 1000),

    async recordCharge(executor, booking, expiresAt) {
      await repository.insertCharge(executor as BillingDb, {
        bookingId: booking.id,
        userId: booking.userId,
        amountCents: toCents(booking.totalCost),
        currency: settings.currency,
        idempotencyKey: randomUUID(),
        expiresAt,
        now: clock.now(),
      })
    },

    async startCheckout(booking) {
      const charge = await repository.findChargeOfBooking(context.db, booking.id)
      if (!charge) throw new Error(`Booking ${booking.id} has no charge`)
      const now = clock.now()
      // Stripe keeps a session open at least 30 minutes; a shorter hold is ended by the expiry job.
      const earliest = new Date(now.getTime() + MIN_CHECKOUT_LIFETIME_MS)
      const back = `${context.appUrl}/bookings/${booking.id}`
      const checkout = await stripeOf(context).createCheckout({
        amountCents: BigInt(charge.amount_cents),
        currency: charge.currency,
        description: `${booking.hotelName}: ${booking.roomName}, booking #${booking.id}`,
        bookingId: booking.id,
        successUrl: `${back}?payment=success`,
        cancelUrl: `${back}?payment=cancelled`,
        expiresAt: charge.expires_at > earliest ? charge.expires_at : earliest,
        idempotencyKey: `checkout-${charge.idempotency_key}`,
      })
      await repository.attachCheckout(context.db, booking.id, {
        sessionId: checkout.id,
        url: checkout.url,
        now: clock.now(),
      })
      return { checkout_url: checkout.url, expires_at: charge.expires_at.toISOString(), status: 'pending' }
    },

    async checkoutFailed(executor, bookingId) {
      const tx = executor as BillingDb
      const charge = await repository.lockChargeOfBooking(tx, bookingId)
      if (charge) await repository.moveCharge(tx, charge.id, ['pending'], 'failed', { now: clock.now() })
    },

    async cancelled(executor, bookingId) {
      const tx = executor as BillingDb
      const charge = await repository.lockChargeOfBooking(tx, bookingId)
      if (!charge) return null
      if (charge.status === 'pending') {
        await closePayment(executor, charge)
        return null
      }
      if (charge.status !== 'paid') return null
      const refund = await refunds.requestRefund(executor, charge, 'cancelled')
      return refund?.status ?? null
    },

    async factsOf(bookingIds) {
      const [charges, refundRows] = await Promise.all([
        repository.chargesOfBookings(context.db, bookingIds),
        repository.refundsOfBookings(context.db, bookingIds),
      ])
      const refundOf = new Map(refundRows.map((refund) => [refund.booking_id, refund.status]))
      const facts = new Map<number, PaymentFacts>()
      for (const charge of charges) {
        facts.set(charge.booking_id, {
          payment: paymentView(charge),
          refund_status: refundOf.get(charge.booking_id) ?? null,
        })
      }
      return facts
    },
  }

  /** A pending charge whose booking no longer waits: expired here, and its session closed at Stripe. */
  async function closePayment(executor: QueryRunner, charge: ChargeRow): Promise<boolean> {
    const moved = await repository.moveCharge(executor as BillingDb, charge.id, ['pending'], 'expired', {
      now: clock.now(),
    })
    if (moved) await context.jobs.send(expireCheckout, { bookingId: charge.booking_id }, { executor })
    return moved !== undefined
  }

  return { payments, closePayment, jobs: [expireCheckout] }
}

export type BookingPaymentsOfBilling = ReturnType<typeof createBookingPayments>

export function paymentView(charge: ChargeRow): PaymentView {
  return {
    checkout_url: charge.status === 'pending' ? charge.checkout_url : null,
    expires_at: charge.expires_at.toISOString(),
    status: charge.status,
  }
}
