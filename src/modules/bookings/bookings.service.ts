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
import type { BookingRow, BookingsDb } from './bookings.repository.ts'
import type { Booking, NewBooking } from './bookings.schemas.ts'
import type { CatalogCache } from './catalog-cache.ts'

export interface Contacts {
  contactOf(userId: number): Promise<{ email: string; first_name: string } | undefined>
}

export type BookingsService = ReturnType<typeof createBookingsService>

export function createBookingsService(
  db: BookingsDb,
  clock: Clock,
  emails: Emails,
  contacts: Contacts,
  cache: CatalogCache,
) {
  /**
   * Books a room for a stay. The room type's row is locked for the transaction, so bookings of one
   * room type are decided one after the other on the database: the rooms left are counted, the
   * booking inserted and the confirmation email enqueued before the next one may count. However many
   * requests arrive at once, a room type is never overbooked.
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
    const { booking, hotelId } = await transaction(db, async (tx) => {
      const room = await repository.lockRoom(tx, input.room_id)
      if (!room) throw notFound('Room')
      const confirmed = await repository.confirmedStays(tx, room.id, stay)
      if (roomsLeft(room.quantity, confirmed, stay) < 1) {
        throw conflict('no_rooms_left', 'No room of this type is free on every night of these dates.')
      }
      const row = await repository.insertBooking(tx, {
        room,
        userId: actor.userId,
        stay,
        nights,
        totalCost: formatCents(totalCost(toCents(room.price), nights)),
        now: clock.now(),
      })
      await notify(tx, contact, 'confirmed', row)
      return { booking: row, hotelId: room.hotel_id }
    })
    await cache.purge(hotelId)
    return toBooking(booking, booking.hotel_name, booking.room_name)
  }

  /** The owner cancels a confirmed booking before its stay starts; its nights are free again. */
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
        throw conflict('stay_started', 'This stay has started (or passed); it can no longer be cancelled.')
      }
      await notify(tx, contact, 'cancelled', row)
      return row
    })
    const room = cancelled.room_id === null ? undefined : await repository.findRoom(db, cancelled.room_id)
    if (room) await cache.purge(room.hotel_id)
  }

  async function listBookings(actor: Actor, page: PageRequest) {
    const { count, rows } = await repository.listBookings(db, actor.userId, clock.today(), page)
    return {
      count,
      results: rows.map((row) =>
        toBooking(row, row.current_hotel ?? row.hotel_name, row.current_room ?? row.room_name),
      ),
    }
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

  /** Enqueues the guest's email in the transaction of the change it reports. */
  async function notify(
    tx: BookingsDb,
    contact: { email: string; first_name: string } | undefined,
    event: BookingEvent,
    booking: BookingRow,
  ): Promise<void> {
    if (contact) await emails.enqueue(bookingEmail(contact, event, booking), tx)
  }

  return { book, cancel, listBookings, remindTomorrowsGuests }
}

function toBooking(row: BookingRow, hotelName: string, roomName: string): Booking {
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
