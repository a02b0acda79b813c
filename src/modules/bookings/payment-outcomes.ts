import type { Clock } from '../../platform/clock.ts'
import type { QueryRunner } from '../../platform/database/transaction.ts'
import { roomsLeft } from './availability.ts'
import { bookingEmail } from './bookings.emails.ts'
import * as repository from './bookings.repository.ts'
import type { BookingsDb } from './bookings.repository.ts'
import type { Contact, Contacts } from './bookings.service.ts'
import type { CatalogCache } from './catalog-cache.ts'
import type { Emails } from '../../platform/email/email-job.ts'
import { confirmPaid, lockBooking, releaseHold } from './payment-holds.repository.ts'

/** What became of a payment that arrived for a booking. */
export type PaymentOutcome =
  /** Confirmed now (its email enqueued), or it already was. */
  | 'confirmed'
  | 'already_confirmed'
  /** Cancelled, or expired with its rooms taken since: the payment must be given back. */
  | 'refused'

/** The bookings side of payments, for the billing module (its `api`). */
export function createPaymentOutcomes(context: {
  db: BookingsDb
  clock: Clock
  emails: Emails
  contacts: Contacts
  cache: CatalogCache
}) {
  const { db, clock } = context

  /** The guest of a booking, to look up before a transaction (see `paymentReceived`). */
  async function guestOf(bookingId: number): Promise<Contact> {
    const booking = await repository.findBooking(db, bookingId)
    return booking ? context.contacts.contactOf(booking.user_id) : undefined
  }

  /**
   * A booking's payment arrived, in the caller's transaction. Held, or expired with a room of its type
   * still free on every night, it is confirmed and the guest emailed; cancelled, or expired with its
   * rooms taken since, it is refused and nothing is overbooked to honour it. The room type is locked
   * as a booking locks it, so a payment and a booking racing for its last room are decided in turn.
   */
  async function paymentReceived(
    executor: QueryRunner,
    bookingId: number,
    guest: Contact,
  ): Promise<PaymentOutcome> {
    const tx = executor as BookingsDb
    const found = await repository.findBooking(tx, bookingId)
    if (!found || found.room_id === null) return 'refused'
    const room = await repository.lockRoom(tx, found.room_id)
    const booking = await lockBooking(tx, bookingId)
    if (!booking || !room) return 'refused'
    if (booking.status === 'confirmed') return 'already_confirmed'
    if (booking.status === 'cancelled') return 'refused'
    const stay = { dateFrom: booking.date_from, dateTo: booking.date_to }
    const taken = await repository.takenStays(tx, room.id, stay, clock.now(), booking.id)
    if (roomsLeft(room.quantity, taken, stay) < 1) {
      await releaseHold(tx, booking.id)
      return 'refused'
    }
    const confirmed = await confirmPaid(tx, booking.id)
    if (!confirmed) return 'refused'
    if (guest) await context.emails.enqueue(bookingEmail(guest, 'confirmed', confirmed), tx)
    return 'confirmed'
  }

  /** The hold passed unpaid, in the caller's transaction: the booking expires; false if it had moved. */
  async function holdExpired(executor: QueryRunner, bookingId: number): Promise<boolean> {
    return releaseHold(executor as BookingsDb, bookingId)
  }

  /** After a transaction that freed or took rooms of this booking: searches see it at once. */
  async function availabilityChanged(bookingId: number): Promise<void> {
    const booking = await repository.findBooking(db, bookingId)
    const roomId = booking?.room_id ?? null
    const room = roomId === null ? undefined : await repository.findRoom(db, roomId)
    if (room) await context.cache.purge(room.hotel_id)
  }

  return { guestOf, paymentReceived, holdExpired, availabilityChanged }
}

export type PaymentOutcomes = ReturnType<typeof createPaymentOutcomes>
