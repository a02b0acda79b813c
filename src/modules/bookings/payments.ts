import type { QueryRunner } from '../../platform/database/transaction.ts'

/*
 * What bookings ask of payments, when guests pay (the billing module answers; without it bookings are
 * confirmed at once). Bookings own the booking's status and its hold; payments own the money.
 */

/** The payment of a booking, as its guest sees it. */
export interface PaymentView {
  /** Where the guest pays; null once the payment is no longer open. */
  checkout_url: string | null
  expires_at: string
  status: string
}

export interface PaymentFacts {
  payment: PaymentView | null
  refund_status: string | null
}

export interface BookingToPay {
  id: number
  userId: number
  /** nights × price, a decimal string. */
  totalCost: string
  hotelName: string
  roomName: string
}

export interface BookingPayments {
  /** How long a booking waiting for its payment holds its rooms, from `now`. */
  holdUntil(now: Date): Date
  /** In the transaction that creates the booking: records what the guest owes until `expiresAt`. */
  recordCharge(executor: QueryRunner, booking: BookingToPay, expiresAt: Date): Promise<void>
  /**
   * After that transaction committed: opens the payment at the provider (a network call, never in a
   * transaction). Throws an `unavailable` AppError when the provider fails.
   */
  startCheckout(booking: BookingToPay): Promise<PaymentView>
  /** The provider failed: in the transaction that releases the hold, the charge is marked failed. */
  checkoutFailed(executor: QueryRunner, bookingId: number): Promise<void>
  /**
   * In the transaction that cancels a booking: a paid booking is refunded (by a job); an open payment
   * is closed. Returns the refund's status, or null when nothing was paid.
   */
  cancelled(executor: QueryRunner, bookingId: number): Promise<string | null>
  /** The payment and refund of each booking that has one. */
  factsOf(bookingIds: readonly number[]): Promise<Map<number, PaymentFacts>>
}
