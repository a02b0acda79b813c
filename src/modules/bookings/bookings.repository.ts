import { sql, type GeneratedAlways, type Selectable } from 'kysely'
import type { Executor } from '../../platform/database/transaction.ts'
import type { Stay } from './availability.ts'

export type BookingsTables = {
  hotels: {
    id: GeneratedAlways<number>
    name: string
    location: string
    address: string
    services: string[]
    created_at: Date
    updated_at: Date
  }
  rooms: {
    id: GeneratedAlways<number>
    hotel_id: number
    name: string
    description: string
    price: string
    quantity: number
    services: string[]
    created_at: Date
    updated_at: Date
  }
  bookings: {
    id: GeneratedAlways<number>
    room_id: number | null
    user_id: number
    hotel_name: string
    room_name: string
    date_from: string
    date_to: string
    price: string
    nights: number
    total_cost: string
    status: BookingStatus
    /** While `pending_payment`: when the hold on its rooms ends. */
    expires_at: Date | null
    created_at: Date
    cancelled_at: Date | null
    reminded_at: Date | null
  }
  hotel_images: { hotel_id: number; image_id: string; created_at: Date }
  room_images: { room_id: number; image_id: string; created_at: Date }
}

export const BOOKING_STATUSES = ['pending_payment', 'confirmed', 'cancelled', 'expired'] as const
export type BookingStatus = (typeof BOOKING_STATUSES)[number]
export type BookingsDb = Executor<BookingsTables>
export type HotelRow = Selectable<BookingsTables['hotels']>
export type RoomRow = Selectable<BookingsTables['rooms']>
export type BookingRow = Selectable<BookingsTables['bookings']>
export type RoomWithHotel = RoomRow & { hotel_name: string }

export async function findRoom(db: BookingsDb, id: number): Promise<RoomWithHotel | undefined> {
  return db
    .selectFrom('rooms')
    .innerJoin('hotels', 'hotels.id', 'rooms.hotel_id')
    .selectAll('rooms')
    .select('hotels.name as hotel_name')
    .where('rooms.id', '=', id)
    .executeTakeFirst()
}

/**
 * Locks a room type for the rest of the transaction: bookings of one room type are decided one at a
 * time, so two can never both take its last room.
 */
export async function lockRoom(db: BookingsDb, id: number): Promise<RoomWithHotel | undefined> {
  return db
    .selectFrom('rooms')
    .innerJoin('hotels', 'hotels.id', 'rooms.hotel_id')
    .selectAll('rooms')
    .select('hotels.name as hotel_name')
    .where('rooms.id', '=', id)
    .forUpdate('rooms')
    .executeTakeFirst()
}

/**
 * The stays holding a room of this type that share a night with `window` (or, without `dateTo`, end
 * after `dateFrom`): confirmed bookings, and bookings waiting for their payment whose hold has not
 * passed at `at`. `except` leaves one booking out (the one being decided).
 */
export async function takenStays(
  db: BookingsDb,
  roomId: number,
  window: { dateFrom: string; dateTo?: string },
  at: Date,
  except?: number,
): Promise<Stay[]> {
  let query = db
    .selectFrom('bookings')
    .select(['date_from', 'date_to'])
    .where('room_id', '=', roomId)
    .where('status', 'in', ['confirmed', 'pending_payment'])
    .where((eb) => eb.or([eb('status', '=', 'confirmed'), eb('expires_at', '>', at)]))
    .where('date_to', '>', window.dateFrom)
  if (window.dateTo !== undefined) query = query.where('date_from', '<', window.dateTo)
  if (except !== undefined) query = query.where('id', '<>', except)
  const rows = await query.execute()
  return rows.map((row) => ({ dateFrom: row.date_from, dateTo: row.date_to }))
}

/**
 * True when a room (or any room of a hotel) has a confirmed (or held, at `at`) stay that has not
 * ended by `today`.
 */
export async function hasStaysToCome(
  db: BookingsDb,
  target: { roomId: number } | { hotelId: number },
  today: string,
  at: Date,
): Promise<boolean> {
  let query = db
    .selectFrom('bookings')
    .select('bookings.id')
    .where('bookings.status', 'in', ['confirmed', 'pending_payment'])
    .where((eb) => eb.or([eb('bookings.status', '=', 'confirmed'), eb('bookings.expires_at', '>', at)]))
    .where('bookings.date_to', '>', today)
  query =
    'roomId' in target
      ? query.where('bookings.room_id', '=', target.roomId)
      : query.where('bookings.room_id', 'in', (eb) =>
          eb.selectFrom('rooms').select('rooms.id').where('rooms.hotel_id', '=', target.hotelId),
        )
  return (await query.limit(1).executeTakeFirst()) !== undefined
}

export async function insertBooking(
  db: BookingsDb,
  booking: {
    room: RoomWithHotel
    userId: number
    stay: Stay
    nights: number
    totalCost: string
    now: Date
    /** Set: the booking waits for its payment, holding its rooms until then. */
    holdUntil?: Date | undefined
  },
): Promise<BookingRow> {
  return db
    .insertInto('bookings')
    .values({
      room_id: booking.room.id,
      user_id: booking.userId,
      hotel_name: booking.room.hotel_name,
      room_name: booking.room.name,
      date_from: booking.stay.dateFrom,
      date_to: booking.stay.dateTo,
      price: booking.room.price,
      nights: booking.nights,
      total_cost: booking.totalCost,
      status: booking.holdUntil ? 'pending_payment' : 'confirmed',
      expires_at: booking.holdUntil ?? null,
      created_at: booking.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findBooking(db: BookingsDb, id: number): Promise<BookingRow | undefined> {
  return db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Cancels a confirmed (or still unpaid) booking of `userId` whose stay has not started, in one
 * conditional update: of two cancellations at once, one gets the row.
 */
export async function cancelBooking(
  db: BookingsDb,
  cancellation: { id: number; userId: number; today: string; now: Date },
): Promise<BookingRow | undefined> {
  return db
    .updateTable('bookings')
    .set({ status: 'cancelled', cancelled_at: cancellation.now })
    .where('id', '=', cancellation.id)
    .where('user_id', '=', cancellation.userId)
    .where('status', 'in', ['confirmed', 'pending_payment'])
    .where('date_from', '>', cancellation.today)
    .returningAll()
    .executeTakeFirst()
}

/** A booking with the current names of its hotel and room type (null once deleted). */
export type ListedBookingRow = BookingRow & { current_hotel: string | null; current_room: string | null }

/** One of `userId`'s bookings, as their list shows it; someone else's or a missing one: undefined. */
export async function findOwnBooking(
  db: BookingsDb,
  userId: number,
  id: number,
): Promise<ListedBookingRow | undefined> {
  return db
    .selectFrom('bookings')
    .leftJoin('rooms', 'rooms.id', 'bookings.room_id')
    .leftJoin('hotels', 'hotels.id', 'rooms.hotel_id')
    .selectAll('bookings')
    .select(['hotels.name as current_hotel', 'rooms.name as current_room'])
    .where('bookings.id', '=', id)
    .where('bookings.user_id', '=', userId)
    .executeTakeFirst()
}

/** A guest's bookings: stays to come first (soonest first), then past ones (latest first). */
export async function listBookings(
  db: BookingsDb,
  userId: number,
  today: string,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: ListedBookingRow[] }> {
  const query = db.selectFrom('bookings').where('bookings.user_id', '=', userId)
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .leftJoin('rooms', 'rooms.id', 'bookings.room_id')
      .leftJoin('hotels', 'hotels.id', 'rooms.hotel_id')
      .selectAll('bookings')
      .select(['hotels.name as current_hotel', 'rooms.name as current_room'])
      .orderBy(sql`bookings.date_to <= ${today}::date`)
      .orderBy(sql`case when bookings.date_to > ${today}::date then bookings.date_from end`)
      .orderBy('bookings.date_from', 'desc')
      .orderBy('bookings.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}

/** Confirmed stays starting on `day` whose guest was not reminded yet. */
export async function bookingsToRemind(db: BookingsDb, day: string): Promise<BookingRow[]> {
  return db
    .selectFrom('bookings')
    .selectAll()
    .where('status', '=', 'confirmed')
    .where('reminded_at', 'is', null)
    .where('date_from', '=', day)
    .orderBy('id')
    .execute()
}

/** Marks a booking reminded, once: false when it already was (or was cancelled meanwhile). */
export async function markReminded(db: BookingsDb, id: number, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('bookings')
    .set({ reminded_at: now })
    .where('id', '=', id)
    .where('status', '=', 'confirmed')
    .where('reminded_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}
