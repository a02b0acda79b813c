import { sql, type ColumnType, type GeneratedAlways, type Kysely, type Selectable } from 'kysely'
import type { RefundState } from '../../platform/stripe/stripe.ts'

export const CHARGE_STATUSES = [
  'pending',
  'paid',
  'refunded',
  'partially_refunded',
  'failed',
  'expired',
] as const
export type ChargeStatus = (typeof CHARGE_STATUSES)[number]
export type RefundReason = 'cancelled' | 'late_payment'

/** Cents are `bigint` in the database and read as text (`::text`), so no driver turns them into floats. */
type Cents = ColumnType<string, string, never>

export type BillingTables = {
  charges: {
    id: GeneratedAlways<number>
    booking_id: number
    user_id: number
    amount_cents: Cents
    currency: string
    status: ChargeStatus
    idempotency_key: string
    checkout_session_id: string | null
    checkout_url: string | null
    payment_intent_id: string | null
    expires_at: Date
    paid_at: Date | null
    created_at: ColumnType<Date, Date, never>
    updated_at: Date
  }
  refunds: {
    id: GeneratedAlways<number>
    charge_id: number
    booking_id: number
    amount_cents: Cents
    currency: string
    reason: RefundReason
    status: RefundState
    idempotency_key: string
    stripe_refund_id: string | null
    failure_reason: string | null
    created_at: ColumnType<Date, Date, never>
    updated_at: Date
  }
  stripe_events: {
    id: string
    type: string
    payload: unknown
    received_at: Date
    handled_at: Date | null
  }
}

export type BillingDb = Kysely<BillingTables>
export type ChargeRow = Selectable<BillingTables['charges']>
export type RefundRow = Selectable<BillingTables['refunds']>

const chargeColumns = [
  'id',
  'booking_id',
  'user_id',
  'currency',
  'status',
  'idempotency_key',
  'checkout_session_id',
  'checkout_url',
  'payment_intent_id',
  'expires_at',
  'paid_at',
  'created_at',
  'updated_at',
] as const
const refundColumns = [
  'id',
  'charge_id',
  'booking_id',
  'currency',
  'reason',
  'status',
  'idempotency_key',
  'stripe_refund_id',
  'failure_reason',
  'created_at',
  'updated_at',
] as const
const cents = sql<string>`amount_cents::text`.as('amount_cents')

// --- charges --------------------------------------------------------------------------------------

export async function insertCharge(
  db: BillingDb,
  charge: {
    bookingId: number
    userId: number
    amountCents: bigint
    currency: string
    idempotencyKey: string
    expiresAt: Date
    now: Date
  },
): Promise<void> {
  await db
    .insertInto('charges')
    .values({
      booking_id: charge.bookingId,
      user_id: charge.userId,
      amount_cents: charge.amountCents.toString(),
      currency: charge.currency,
      status: 'pending',
      idempotency_key: charge.idempotencyKey,
      expires_at: charge.expiresAt,
      created_at: charge.now,
      updated_at: charge.now,
    })
    .execute()
}

export async function findChargeOfBooking(db: BillingDb, bookingId: number): Promise<ChargeRow | undefined> {
  return db
    .selectFrom('charges')
    .select(chargeColumns)
    .select(cents)
    .where('booking_id', '=', bookingId)
    .executeTakeFirst()
}

/** The charge, its row locked for the rest of the transaction. */
export async function lockChargeOfBooking(db: BillingDb, bookingId: number): Promise<ChargeRow | undefined> {
  return db
    .selectFrom('charges')
    .select(chargeColumns)
    .select(cents)
    .where('booking_id', '=', bookingId)
    .forUpdate()
    .executeTakeFirst()
}

export async function findChargeOfPayment(
  db: BillingDb,
  paymentIntentId: string,
): Promise<ChargeRow | undefined> {
  return db
    .selectFrom('charges')
    .select(chargeColumns)
    .select(cents)
    .where('payment_intent_id', '=', paymentIntentId)
    .executeTakeFirst()
}

export async function chargesOfBookings(db: BillingDb, bookingIds: readonly number[]): Promise<ChargeRow[]> {
  if (bookingIds.length === 0) return []
  return db
    .selectFrom('charges')
    .select(chargeColumns)
    .select(cents)
    .where('booking_id', 'in', [...bookingIds])
    .execute()
}

/** The Checkout Session opened for a pending charge. */
export async function attachCheckout(
  db: BillingDb,
  bookingId: number,
  checkout: { sessionId: string; url: string; now: Date },
): Promise<void> {
  await db
    .updateTable('charges')
    .set({ checkout_session_id: checkout.sessionId, checkout_url: checkout.url, updated_at: checkout.now })
    .where('booking_id', '=', bookingId)
    .where('status', '=', 'pending')
    .execute()
}

/** A move of a charge from one of `from` to `to`, once; undefined when it was in none of them. */
export async function moveCharge(
  db: BillingDb,
  chargeId: number,
  from: readonly ChargeStatus[],
  to: ChargeStatus,
  changes: { now: Date; paymentIntentId?: string | null; paidAt?: Date },
): Promise<ChargeRow | undefined> {
  return db
    .updateTable('charges')
    .set({
      status: to,
      updated_at: changes.now,
      ...(changes.paidAt ? { paid_at: changes.paidAt } : {}),
      ...(changes.paymentIntentId ? { payment_intent_id: changes.paymentIntentId } : {}),
    })
    .where('id', '=', chargeId)
    .where('status', 'in', [...from])
    .returning(chargeColumns)
    .returning(cents)
    .executeTakeFirst()
}

/** Pending charges whose hold passed at `now`, oldest first (a page of them per run). */
export async function expiredHolds(db: BillingDb, now: Date, limit: number): Promise<ChargeRow[]> {
  return db
    .selectFrom('charges')
    .select(chargeColumns)
    .select(cents)
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute()
}

export async function listCharges(
  db: BillingDb,
  status: ChargeStatus | undefined,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: ChargeRow[] }> {
  let query = db.selectFrom('charges')
  if (status !== undefined) query = query.where('status', '=', status)
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .select(chargeColumns)
      .select(cents)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}

// --- refunds --------------------------------------------------------------------------------------

/** The charge's refund, created once: undefined when it already had one. */
export async function insertRefund(
  db: BillingDb,
  refund: { charge: ChargeRow; reason: RefundReason; idempotencyKey: string; now: Date },
): Promise<RefundRow | undefined> {
  return db
    .insertInto('refunds')
    .values({
      charge_id: refund.charge.id,
      booking_id: refund.charge.booking_id,
      amount_cents: refund.charge.amount_cents,
      currency: refund.charge.currency,
      reason: refund.reason,
      status: 'pending',
      idempotency_key: refund.idempotencyKey,
      created_at: refund.now,
      updated_at: refund.now,
    })
    .onConflict((oc) => oc.column('charge_id').doNothing())
    .returning(refundColumns)
    .returning(cents)
    .executeTakeFirst()
}

export async function findRefund(db: BillingDb, id: number): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').select(refundColumns).select(cents).where('id', '=', id).executeTakeFirst()
}

export async function refundsOfBookings(db: BillingDb, bookingIds: readonly number[]): Promise<RefundRow[]> {
  if (bookingIds.length === 0) return []
  return db
    .selectFrom('refunds')
    .select(refundColumns)
    .select(cents)
    .where('booking_id', 'in', [...bookingIds])
    .execute()
}

/**
 * What Stripe says of a refund. A final state (succeeded, failed, canceled) is never overwritten by a
 * state that comes later but was sent earlier (events arrive in any order).
 */
export async function recordRefundState(
  db: BillingDb,
  id: number,
  state: { stripeRefundId: string; status: RefundState; failureReason: string | null; now: Date },
): Promise<RefundRow | undefined> {
  return db
    .updateTable('refunds')
    .set({
      stripe_refund_id: state.stripeRefundId,
      status: state.status,
      failure_reason: state.failureReason,
      updated_at: state.now,
    })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('status', 'in', ['pending', 'requires_action']), eb('status', '=', state.status)]),
    )
    .returning(refundColumns)
    .returning(cents)
    .executeTakeFirst()
}

// --- webhook events -------------------------------------------------------------------------------

/** Stores an event by its id; false when it was there already (a redelivery). */
export async function storeEvent(
  db: BillingDb,
  event: { id: string; type: string; payload: unknown; now: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('stripe_events')
    .values({
      id: event.id,
      type: event.type,
      payload: JSON.stringify(event.payload),
      received_at: event.now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export async function findEvent(
  db: BillingDb,
  id: string,
): Promise<{ id: string; type: string; payload: unknown; handled_at: Date | null } | undefined> {
  return db
    .selectFrom('stripe_events')
    .select(['id', 'type', 'payload', 'handled_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function markEventHandled(db: BillingDb, id: string, now: Date): Promise<void> {
  await db.updateTable('stripe_events').set({ handled_at: now }).where('id', '=', id).execute()
}
