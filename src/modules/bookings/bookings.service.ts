import type { Clock } from '../../platform/clock.ts'
import { transaction } from '../../platform/database/transaction.ts'
import type { Emails } from '../../platform/email/email-job.ts'
import { conflict, invalidFields, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import type { Logger } from '../../platform/telemetry/logger.ts'
import { formatCents, formatMoney, toCents } from '../../platform/validation/money.ts'
import { addDays, nightsBetween, roomsLeft, stayProblems, totalCost } from './availability.ts'
import { bookingEmail, type BookingEvent } from './bookings.emails.ts'
import * as repository from './bookings.repository.ts'
import type { BookingRow, BookingsDb, ListedBookingRow } from './bookings.repository.ts'
import type { Booking, NewBooking } from './bookings.schemas.ts'
import type { CatalogCache } from './catalog-cache.ts'
import { releaseHold } from './payment-holds.repository.ts'
import type { BookingPayments, BookingToPay, PaymentFacts } from './payments.ts'

export interface Contacts {
  contactOf(userId: number): Promise<{ email: string; first_name: string } | undefined>
}

export type Contact = { email: string; first_name: string } | undefined

export interface BookingsContext {
  db: BookingsDb
  clock: Clock
  emails: Emails
  contacts: Contacts
  cache: CatalogCache
  /** Present when guests pay (billing on): bookings then wait for their payment. */
  payments: BookingPayments | undefined
}

export type BookingsService = ReturnType<typeof createBookingsService>

export function createBookingsService(context: BookingsContext) {
  const { db, clock, contacts, cache, payments } = context

  /**
   * Books a room for a stay. The room type's row is locked for the transaction, so bookings of one
   * room type are decided one after the other on the database: the rooms taken (confirmed, and held
   * for a payment) are counted and the booking inserted before the next one may count. However many
   * requests arrive at once, a room type is never overbooked.
   *
   * Without payments the booking is confirmed and its email enqueued in that transaction. With them it
   * holds its rooms, waiting for its payment, and the payment is opened at the provider once the
   * transaction committed; if the provider fails, the hold is released at once (503).
   */
  async function book(actor: Actor, input: NewBooking): Promise<Booking> {
    if (!(await repository.findRoom(db, input.room_id))) throw notFound('Room')
    const problems = stayProblems(input, clock.today())
    if (problems) throw invalidFields(problems)
    const stay = { dateFrom: input.date_from, dateTo: input.date_to }
    const nights = nightsBetween(stay.dateFrom, stay.dateTo)
    // Looked up before the transaction: another module's query inside it would wait for the
    // connection the transaction holds (PGlite has only one).
    const contact = await contacts.contactOf(actor.userId)
    const now = clock.now()
    const holdUntil = payments?.holdUntil(now)
    const { booking, hotelId } = await transaction(db, async (tx) => {
      const room = await repository.lockRoom(tx, input.room_id)
      if (!room) throw notFound('Room')
      const taken = await repository.takenStays(tx, room.id, stay, now)
      if (roomsLeft(room.quantity, taken, stay) < 1) {
        throw conflict('no_rooms_left', 'No room of this type is free on every night of these dates.')
      }
      const row = await repository.insertBooking(tx, {
        room,
        userId: actor.userId,
        stay,
        nights,
        totalCost: formatCents(totalCost(toCents(room.price), nights)),
        now,
        holdUntil,
      })
      if (payments && holdUntil) await payments.recordCharge(tx, toPay(row), holdUntil)
      else await notify(tx, contact, 'confirmed', row)
      return { booking: row, hotelId: room.hotel_id }
    })
    await cache.purge(hotelId)
    const view = toBooking(booking, booking.hotel_name, booking.room_name)
    if (!payments) return view
    return { ...view, payment: await openPayment(payments, booking, hotelId), refund_status: null }
  }

  /** Opens the payment of a held booking; when the provider fails, the rooms are free again at once. */
  async function openPayment(paying: BookingPayments, booking: BookingRow, hotelId: number) {
    try {
      return await paying.startCheckout(toPay(booking))
    } catch (error) {
      await transaction(db, async (tx) => {
        await releaseHold(tx, booking.id)
        await paying.checkoutFailed(tx, booking.id)
      })
      await cache.purge(hotelId)
      throw error
    }
  }

  /**
   * The owner cancels a booking before its stay starts; its nights are free again. A paid booking is
   * refunded (by a job of the payments), in the same transaction as the cancellation.
   */
  async function cancel(actor: Actor, id: number): Promise<void> {
    const existing = await repository.findBooking(db, id)
    if (existing?.user_id !== actor.userId) throw notFound('Booking')
    const today = clock.today()
    const contact = await contacts.contactOf(actor.userId)
    const cancelled = await transaction(db, async (tx) => {
      const row = await repository.cancelBooking(tx, { id, userId: actor.userId, today, now: clock.now() })
      if (!row) {
        const current = (await repository.findBooking(tx, id)) ?? existing
        if (current.status === 'cancelled') {
          throw conflict('booking_already_cancelled', 'This booking was already cancelled.')
        }
        if (current.status === 'expired') {
          throw conflict('booking_expired', 'This booking expired unpaid; there is nothing to cancel.')
        }
        throw conflict('stay_started', 'This stay has started (or passed); it can no longer be cancelled.')
      }
      const refund = payments ? await payments.cancelled(tx, row.id) : null
      await notify(tx, contact, 'cancelled', row, refund !== null)
      return row
    })
    const room = cancelled.room_id === null ? undefined : await repository.findRoom(db, cancelled.room_id)
    if (room) await cache.purge(room.hotel_id)
  }

  async function listBookings(actor: Actor, page: PageRequest) {
    const { count, rows } = await repository.listBookings(db, actor.userId, clock.today(), page)
    return { count, results: await toListedBookings(rows) }
  }

  /** One of the caller's bookings as their list shows it; someone else's or a missing one → 404. */
  async function getBooking(actor: Actor, id: number): Promise<Booking> {
    const row = await repository.findOwnBooking(db, actor.userId, id)
    if (!row) throw notFound('Booking')
    const [booking] = await toListedBookings([row])
    if (!booking) throw new Error('A booking was lost while being shown.')
    return booking
  }

  /** Bookings as the guest's list shows them: today's names, and their payment when guests pay. */
  async function toListedBookings(rows: ListedBookingRow[]): Promise<Booking[]> {
    const facts = payments ? await payments.factsOf(rows.map((row) => row.id)) : undefined
    return rows.map((row) => {
      const booking = toBooking(row, row.current_hotel ?? row.hotel_name, row.current_room ?? row.room_name)
      return facts ? { ...booking, ...paymentOf(facts.get(row.id)) } : booking
    })
  }

  /**
   * Emails every guest whose stay starts tomorrow, once per booking: each booking is marked reminded
   * by a conditional update in the transaction that enqueues its email, so a second run (or a second
   * worker) finds nothing left to send. Returns how many were reminded.
   */
  async function remindTomorrowsGuests(logger: Logger): Promise<number> {
    const tomorrow = addDays(clock.today(), 1)
    let reminded = 0
    for (const booking of await repository.bookingsToRemind(db, tomorrow)) {
      const contact = await contacts.contactOf(booking.user_id)
      const marked = await transaction(db, async (tx) => {
        if (!(await repository.markReminded(tx, booking.id, clock.now()))) return false
        await notify(tx, contact, 'reminder', booking)
        return true
      })
      if (marked) reminded += 1
    }
    logger.info({ day: tomorrow, reminded }, 'booking reminders enqueued')
    return reminded
  }

  return { book, cancel, listBookings, getBooking, remindTomorrowsGuests }

  /** Enqueues the guest's email in the transaction of the change it reports. */
  async function notify(
    tx: BookingsDb,
    contact: Contact,
    event: BookingEvent,
    booking: BookingRow,
    refunded = false,
  ): Promise<void> {
    if (contact) await context.emails.enqueue(bookingEmail(contact, event, booking, refunded), tx)
  }
}

export function toPay(row: BookingRow): BookingToPay {
  return {
    id: row.id,
    userId: row.user_id,
    totalCost: formatMoney(row.total_cost),
    hotelName: row.hotel_name,
    roomName: row.room_name,
  }
}

function paymentOf(facts: PaymentFacts | undefined): PaymentFacts {
  return facts ?? { payment: null, refund_status: null }
}

export function toBooking(row: BookingRow, hotelName: string, roomName: string): Booking {
  return {
    id: row.id,
    room_id: row.room_id,
    hotel_name: hotelName,
    room_name: roomName,
    date_from: row.date_from,
    date_to: row.date_to,
    price: formatMoney(row.price),
    nights: row.nights,
    total_cost: formatMoney(row.total_cost),
    status: row.status,
    created_at: row.created_at.toISOString(),
  }
}
