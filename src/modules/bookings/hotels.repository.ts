import { sql } from 'kysely'
import type { Stay } from './availability.ts'
import type { BookingsDb, HotelRow, RoomRow } from './bookings.repository.ts'

/*
 * The hotel catalogue's SQL: hotels, their room types and pictures, and the searches with rooms
 * left. Bookings themselves, and the row locks they take, are in bookings.repository.ts.
 */

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
 * The rooms of room type `rooms.id` taken on the fullest night of `stay`: confirmed bookings, and
 * bookings waiting for their payment whose hold has not passed at `at`. Each overlapping booking is
 * expanded into its nights inside the stay (at most 30); the index on (room_id, date_to) of confirmed
 * and held bookings reads only bookings ending after the stay starts, so past stays cost nothing.
 */
function takenOnFullestNight(stay: Stay, at: Date) {
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
      where b.room_id = rooms.id and b.status in ('confirmed', 'pending_payment')
        and (b.status = 'confirmed' or b.expires_at > ${at})
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
  /** Now: held bookings count as taken until their hold passes. */
  at: Date
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
      select rooms.hotel_id, greatest(rooms.quantity - ${takenOnFullestNight(stay, search.at)}, 0) as rooms_left
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

export async function deleteRoom(db: BookingsDb, id: number): Promise<boolean> {
  const result = await db.deleteFrom('rooms').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** The SQL of a hotel's room types by id, each with its rooms left for `stay` as of `at`. */
export function roomsQuery(db: BookingsDb, hotelId: number, stay: Stay, at: Date) {
  return db
    .selectFrom('rooms')
    .selectAll('rooms')
    .select(sql<number>`greatest(rooms.quantity - ${takenOnFullestNight(stay, at)}, 0)::int`.as('rooms_left'))
    .where('rooms.hotel_id', '=', hotelId)
    .orderBy('rooms.id')
}

/** A hotel's room types by id, each with its rooms left for `stay` when one is given. */
export async function listRooms(
  db: BookingsDb,
  hotelId: number,
  stay: Stay | undefined,
  at: Date,
): Promise<(RoomRow & { rooms_left: number | null })[]> {
  if (stay) return roomsQuery(db, hotelId, stay, at).execute()
  const rows = await db
    .selectFrom('rooms')
    .selectAll()
    .where('hotel_id', '=', hotelId)
    .orderBy('id')
    .execute()
  return rows.map((room) => ({ ...room, rooms_left: null }))
}

// --- bookings -------------------------------------------------------------------------------------

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
