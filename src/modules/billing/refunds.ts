import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { transaction, type QueryRunner } from '../../platform/database/transaction.ts'
import { defineJob } from '../../platform/jobs/jobs.ts'
import { stripeOf, type BillingContext } from './billing.context.ts'
import * as repository from './billing.repository.ts'
import type { BillingDb, ChargeRow, RefundReason, RefundRow } from './billing.repository.ts'

/**
 * Refunds of paid bookings: the row (with its idempotency key) is written in the transaction that
 * decides the refund, together with the job that asks Stripe for it; the job sends the stored key, so
 * running it twice (or after a lost answer) makes one refund at Stripe.
 */
export function createRefunds(context: BillingContext) {
  const sendRefund = defineJob({
    name: 'billing.send-refund',
    payload: Type.Object({ refundId: Type.Integer() }),
    handle: async ({ refundId }, { logger }) => {
      const refund = await repository.findRefund(context.db, refundId)
      if (!refund || refund.stripe_refund_id !== null) return
      const charge = await repository.findChargeOfBooking(context.db, refund.booking_id)
      if (!charge?.payment_intent_id) throw new Error(`The charge of refund ${refundId} has no payment`)
      const sent = await stripeOf(context).createRefund({
        paymentIntentId: charge.payment_intent_id,
        amountCents: BigInt(refund.amount_cents),
        refundId,
        idempotencyKey: `refund-${refund.idempotency_key}`,
      })
      await transaction(context.db, async (tx) => {
        await recordState(tx, refund, {
          stripeRefundId: sent.id,
          status: sent.status,
          failureReason: sent.failureReason,
        })
      })
      logger.info({ refundId, status: sent.status }, 'refund sent to Stripe')
    },
  })

  /**
   * Refunds a paid charge in full, in the caller's transaction; once per charge (a second request
   * finds the first). Returns the refund.
   */
  async function requestRefund(
    executor: QueryRunner,
    charge: ChargeRow,
    reason: RefundReason,
  ): Promise<RefundRow | undefined> {
    const tx = executor as BillingDb
    const refund = await repository.insertRefund(tx, {
      charge,
      reason,
      idempotencyKey: randomUUID(),
      now: context.clock.now(),
    })
    if (refund) await context.jobs.send(sendRefund, { refundId: refund.id }, { executor })
    return refund
  }

  /** Stripe's word on a refund (from the call or an event); a succeeded one settles its charge. */
  async function recordState(
    tx: BillingDb,
    refund: Pick<RefundRow, 'id' | 'charge_id'>,
    state: Omit<Parameters<typeof repository.recordRefundState>[2], 'now'>,
  ): Promise<void> {
    const now = context.clock.now()
    const updated = await repository.recordRefundState(tx, refund.id, { ...state, now })
    if (updated?.status === 'succeeded') {
      await repository.moveCharge(tx, refund.charge_id, ['paid', 'partially_refunded'], 'refunded', { now })
    }
  }

  return { requestRefund, recordState, jobs: [sendRefund] }
}

export type Refunds = ReturnType<typeof createRefunds>
