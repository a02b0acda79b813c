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
    created_at: Date
    cancelled_at: Date | null
    reminded_at: Date | null
  }
  hotel_images: { hotel_id: number; image_id: string; created_at: Date }
  room_images: { room_id: number; image_id: string; created_at: Date }
}

export type BookingStatus = 'confirmed' | 'cancelled'
export type BookingsDb = Executor<BookingsTables>
export type HotelRow = Selectable<BookingsTables['hotels']>
export type RoomRow = Selectable<BookingsTables['rooms']>
export type BookingRow = Selectable<BookingsTables['bookings']>
export type RoomWithHotel = RoomRow & { hotel_name: string }

/** A text[] parameter that both drivers (pg and PGlite) pass the same way: as JSON. */
function textArray(values: readonly string[]) {
  return sql<string[]>`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`
}

/** What an update of a hotel or room sets: the fields given, services as a text array, updated_at. */
function changedColumns<Changes extends { services?: string[]; now: Date }>(changes: Changes) {
  const { services, now, ...plain } = changes
  return { ...plain, ...(services ? { services: textArray(services) } : {}), updated_at: now }
}

/** `%` and `_` in a search are literal characters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

/**
 * The confirmed bookings of room `rooms.id` on the fullest night of `stay`. Each overlapping booking
 * is expanded into its nights inside the stay (at most 30); the index on (room_id, date_to) where
 * confirmed reads only bookings ending after the stay starts, so past stays cost nothing.
 */
function takenOnFullestNight(stay: Stay) {
  return sql<number>`coalesce((
    select max(taken) from (
      select count(*) as taken
      from bookings b
      -- Nights as timestamps without a time zone: with one, the series would follow the session's
      -- time zone, where a clock change at midnight shifts one night's start.
      cross join lateral generate_series(
        greatest(b.date_from, ${stay.dateFrom}::date)::timestamp,
        (least(b.date_to, ${stay.dateTo}::date) - 1)::timestamp,
        interval '1 day'
      ) as night
      where b.room_id = rooms.id and b.status = 'confirmed'
        and b.date_to > ${stay.dateFrom}::date and b.date_from < ${stay.dateTo}::date
      group by night
    ) nights
  ), 0)`
}

// --- hotels ---------------------------------------------------------------------------------------

export async function insertHotel(
  db: BookingsDb,
  hotel: { name: string; location: string; address: string; services: string[]; now: Date },
): Promise<HotelRow> {
  return db
    .insertInto('hotels')
    .values({
      name: hotel.name,
      location: hotel.location,
      address: hotel.address,
      services: textArray(hotel.services),
      created_at: hotel.now,
      updated_at: hotel.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateHotel(
  db: BookingsDb,
  id: number,
  changes: { name?: string; location?: string; address?: string; services?: string[]; now: Date },
): Promise<HotelRow | undefined> {
  return db
    .updateTable('hotels')
    .set(changedColumns(changes))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

export async function findHotel(db: BookingsDb, id: number): Promise<HotelRow | undefined> {
  return db.selectFrom('hotels').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Locks the hotel and its rooms, so no room is added and no booking slips in while the hotel is
 * deleted (a room added meanwhile waits, then finds no hotel).
 */
export async function lockHotel(db: BookingsDb, hotelId: number): Promise<void> {
  await db.selectFrom('hotels').select('id').where('id', '=', hotelId).forUpdate().execute()
  await db.selectFrom('rooms').select('id').where('hotel_id', '=', hotelId).forUpdate().execute()
}

export async function deleteHotel(db: BookingsDb, id: number): Promise<boolean> {
  const result = await db.deleteFrom('hotels').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

export interface HotelSearch {
  location: string | undefined
  stay: Stay | undefined
}

/**
 * The SQL of a hotel search: hotels matching the location (and, with a stay, having a room left on
 * every night of it, with their total rooms left), ordered by name then id, one page, each row with
 * the total of the whole filtered list (`count(*) over ()`, computed in the same pass).
 */
export function searchHotelsQuery(search: HotelSearch, page: { limit: number; offset: number }) {
  const location =
    search.location === undefined ? sql`true` : sql`h.location ilike ${likePattern(search.location)}`
  const { stay } = search
  if (!stay) {
    return sql<HotelRow & { rooms_left: null; total: number }>`
      select h.*, null as rooms_left, count(*) over ()::int as total
      from hotels h
      where ${location}
      order by h.name, h.id
      limit ${page.limit} offset ${page.offset}`
  }
  // per_room is materialized so that each room's availability is computed once: otherwise the
  // planner copies the outer `rooms_left > 0` into the grouping and evaluates the sub-select twice.
  return sql<HotelRow & { rooms_left: number; total: number }>`
    with per_room as materialized (
      select rooms.hotel_id, greatest(rooms.quantity - ${takenOnFullestNight(stay)}, 0) as rooms_left
      from rooms
      join hotels h on h.id = rooms.hotel_id
      where ${location}
    ), available as (
      select hotel_id, sum(rooms_left)::int as rooms_left from per_room group by hotel_id
    )
    select h.*, a.rooms_left, count(*) over ()::int as total
    from available a
    join hotels h on h.id = a.hotel_id
    where a.rooms_left > 0
    order by h.name, h.id
    limit ${page.limit} offset ${page.offset}`
}

/** Hotels matching the search, ordered by name then id, with the total across pages. */
export async function searchHotels(
  db: BookingsDb,
  search: HotelSearch,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: (HotelRow & { rooms_left: number | null })[] }> {
  const result = await searchHotelsQuery(search, page).execute(db)
  const rows = result.rows.map(({ total: _total, ...row }) => row)
  return { count: result.rows[0]?.total ?? 0, rows }
}

// --- rooms ----------------------------------------------------------------------------------------

export async function insertRoom(
  db: BookingsDb,
  room: {
    hotelId: number
    name: string
    description: string
    price: string
    quantity: number
    services: string[]
    now: Date
  },
): Promise<RoomRow> {
  return db
    .insertInto('rooms')
    .values({
      hotel_id: room.hotelId,
      name: room.name,
      description: room.description,
      price: room.price,
      quantity: room.quantity,
      services: textArray(room.services),
      created_at: room.now,
      updated_at: room.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateRoom(
  db: BookingsDb,
  id: number,
  changes: {
    name?: string
    description?: string
    price?: string
    quantity?: number
    services?: string[]
    now: Date
  },
): Promise<RoomRow | undefined> {
  return db
    .updateTable('rooms')
    .set(changedColumns(changes))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

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

export async function deleteRoom(db: BookingsDb, id: number): Promise<boolean> {
  const result = await db.deleteFrom('rooms').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** The SQL of a hotel's room types by id, each with its rooms left for `stay`. */
export function roomsQuery(db: BookingsDb, hotelId: number, stay: Stay) {
  return db
    .selectFrom('rooms')
    .selectAll('rooms')
    .select(sql<number>`greatest(rooms.quantity - ${takenOnFullestNight(stay)}, 0)::int`.as('rooms_left'))
    .where('rooms.hotel_id', '=', hotelId)
    .orderBy('rooms.id')
}

/** A hotel's room types by id, each with its rooms left for `stay` when one is given. */
export async function listRooms(
  db: BookingsDb,
  hotelId: number,
  stay: Stay | undefined,
): Promise<(RoomRow & { rooms_left: number | null })[]> {
  if (stay) return roomsQuery(db, hotelId, stay).execute()
  const rows = await db
    .selectFrom('rooms')
    .selectAll()
    .where('hotel_id', '=', hotelId)
    .orderBy('id')
    .execute()
  return rows.map((room) => ({ ...room, rooms_left: null }))
}

// --- bookings -------------------------------------------------------------------------------------

/** Confirmed bookings of a room sharing a night with `stay` (or, without `dateTo`, ending after `dateFrom`). */
export async function confirmedStays(
  db: BookingsDb,
  roomId: number,
  window: { dateFrom: string; dateTo?: string },
): Promise<Stay[]> {
  let query = db
    .selectFrom('bookings')
    .select(['date_from', 'date_to'])
    .where('room_id', '=', roomId)
    .where('status', '=', 'confirmed')
    .where('date_to', '>', window.dateFrom)
  if (window.dateTo !== undefined) query = query.where('date_from', '<', window.dateTo)
  const rows = await query.execute()
  return rows.map((row) => ({ dateFrom: row.date_from, dateTo: row.date_to }))
}

/** True when a room (or any room of a hotel) has a confirmed stay that has not ended by `today`. */
export async function hasStaysToCome(
  db: BookingsDb,
  target: { roomId: number } | { hotelId: number },
  today: string,
): Promise<boolean> {
  let query = db
    .selectFrom('bookings')
    .select('bookings.id')
    .where('bookings.status', '=', 'confirmed')
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
      status: 'confirmed',
      created_at: booking.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findBooking(db: BookingsDb, id: number): Promise<BookingRow | undefined> {
  return db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Cancels a confirmed booking of `userId` whose stay has not started, in one conditional update: of
 * two cancellations at once, one gets the row.
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
    .where('status', '=', 'confirmed')
    .where('date_from', '>', cancellation.today)
    .returningAll()
    .executeTakeFirst()
}

/** A guest's bookings: stays to come first (soonest first), then past ones (latest first). */
export async function listBookings(
  db: BookingsDb,
  userId: number,
  today: string,
  page: { limit: number; offset: number },
): Promise<{
  count: number
  rows: (BookingRow & { current_hotel: string | null; current_room: string | null })[]
}> {
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

// --- images ---------------------------------------------------------------------------------------

export async function attachHotelImage(db: BookingsDb, hotelId: number, imageId: string, now: Date) {
  await db
    .insertInto('hotel_images')
    .values({ hotel_id: hotelId, image_id: imageId, created_at: now })
    .execute()
}

export async function attachRoomImage(db: BookingsDb, roomId: number, imageId: string, now: Date) {
  await db.insertInto('room_images').values({ room_id: roomId, image_id: imageId, created_at: now }).execute()
}

/** Image ids of each hotel (or room), oldest first. */
export async function imageIdsOf(
  db: BookingsDb,
  owner: 'hotel' | 'room',
  ids: readonly number[],
): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>()
  if (ids.length === 0) return found
  const rows =
    owner === 'hotel'
      ? await db
          .selectFrom('hotel_images')
          .select(['hotel_id as owner', 'image_id'])
          .where('hotel_id', 'in', [...ids])
          .orderBy('created_at')
          .orderBy('image_id')
          .execute()
      : await db
          .selectFrom('room_images')
          .select(['room_id as owner', 'image_id'])
          .where('room_id', 'in', [...ids])
          .orderBy('created_at')
          .orderBy('image_id')
          .execute()
  for (const row of rows) found.set(row.owner, [...(found.get(row.owner) ?? []), row.image_id])
  return found
}

export async function hotelExists(db: BookingsDb, name: string, location: string): Promise<boolean> {
  const row = await db
    .selectFrom('hotels')
    .select('id')
    .where('name', '=', name)
    .where('location', '=', location)
    .executeTakeFirst()
  return row !== undefined
}
