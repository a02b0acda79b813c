import { Type } from 'typebox'
import { transaction } from '../../platform/database/transaction.ts'
import { defineJob } from '../../platform/jobs/jobs.ts'
import type { BillingContext } from './billing.context.ts'
import * as repository from './billing.repository.ts'
import type { BookingPaymentsOfBilling } from './booking-payments.ts'
import type { BookingOutcomes } from './stripe-events.ts'

/** Charges expired per transaction batch of the sweep. */
const SWEEP_BATCH = 100

/**
 * Holds that passed unpaid end even if Stripe never calls: every minute, each pending charge whose
 * hold passed expires with its booking (rooms free again) in one transaction, and its Checkout
 * Session is closed at Stripe by a job. A payment racing the sweep is decided by the same
 * conditional updates: whichever commits first wins, and a late payment is refunded.
 */
export function createHoldExpiry(
  context: BillingContext,
  bookings: BookingOutcomes,
  payments: BookingPaymentsOfBilling,
) {
  async function expireHolds(): Promise<number> {
    let expired = 0
    for (;;) {
      const due = await repository.expiredHolds(context.db, context.clock.now(), SWEEP_BATCH)
      for (const charge of due) {
        const closed = await transaction(context.db, async (tx) => {
          await bookings.holdExpired(tx, charge.booking_id)
          const locked = await repository.lockChargeOfBooking(tx, charge.booking_id)
          return locked ? payments.closePayment(tx, locked) : false
        })
        if (closed) {
          expired += 1
          await bookings.availabilityChanged(charge.booking_id)
        }
      }
      if (due.length < SWEEP_BATCH) return expired
    }
  }

  const sweep = defineJob({
    name: 'billing.expire-holds',
    payload: Type.Object({}),
    cron: '* * * * *',
    handle: async (_payload, { logger }) => {
      logger.info({ expired: await expireHolds() }, 'unpaid booking holds expired')
    },
  })

  return { expireHolds, jobs: [sweep] }
}
