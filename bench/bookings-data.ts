import type pg from 'pg'
import { benchPasswordHash, bulkLoad } from './data.ts'

export const GUESTS = 50
export const CITIES = [
  'Rio de Janeiro',
  'São Paulo',
  'Salvador',
  'Recife',
  'Fortaleza',
  'Belo Horizonte',
  'Curitiba',
  'Porto Alegre',
  'Florianópolis',
  'Manaus',
  'Belém',
  'Brasília',
  'Natal',
  'Maceió',
  'Vitória',
  'Lisbon',
  'Porto',
  'Madrid',
  'Barcelona',
  'Buenos Aires',
]
/** Bookings per room type in the base data set: 16 past stays, then 4 to come. */
const BOOKINGS_PER_ROOM = 20

export function guestEmail(n: number): string {
  return `guest-${String(n).padStart(3, '0')}@bench.bureau.test`
}

export interface BookingsDataSet {
  today: string
  hotels: number
  rooms: number
  bookings: number
  pastBookings: number
  seconds: number
}

/**
 * Fills a freshly migrated database straight in SQL: 50 guests; `hotels` hotels spread evenly over 20
 * cities; 10 room types each (quantity 1 to 10, 40.00 to 539.00 a night); 20 bookings per room type,
 * one after the other (2 to 5 nights, a new one every 20 days from 320 days ago), so 80 % are past
 * stays and 20 % are still to come, none overbooked; 1 in 10 cancelled. Then VACUUM ANALYZE.
 */
export async function generateBookingData(
  client: pg.Client,
  hotels: number,
  today: string,
): Promise<BookingsDataSet> {
  const started = performance.now()
  const passwordHash = await benchPasswordHash()
  await bulkLoad(client, async () => {
    await client.query(
      `insert into users (email, password_hash, first_name, last_name, roles, email_verified_at, created_at, updated_at)
       select format('guest-%s@bench.bureau.test', lpad(n::text, 3, '0')), $1, 'Guest', lpad(n::text, 3, '0'),
              '{}', now(), now(), now()
       from generate_series(1, ${GUESTS}) n`,
      [passwordHash],
    )
    await client.query(
      `insert into hotels (name, location, address, services, created_at, updated_at)
       select format('Hotel %s', lpad(g::text, 5, '0')), ($2::text[])[1 + g % ${CITIES.length}],
              format('Street %s', g), '{wifi,breakfast}', now(), now()
       from generate_series(1, $1::int) g`,
      [hotels, CITIES],
    )
    await client.query(
      `insert into rooms (hotel_id, name, description, price, quantity, services, created_at, updated_at)
       select h.id, format('Room type %s', k), 'A room.', 40 + ((h.id * 10 + k) * 37) % 500, 1 + (h.id + k) % 10,
              '{tv}', now(), now()
       from hotels h cross join generate_series(1, 10) k
       order by h.id, k`,
    )
    await client.query(
      `insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                             total_cost, status, created_at, cancelled_at)
       select r.id, g.ids[1 + (r.id + k) % ${GUESTS}], h.name, r.name, s.date_from, s.date_from + s.nights,
              r.price, s.nights, r.price * s.nights,
              case when (r.id + k) % 10 = 0 then 'cancelled' else 'confirmed' end, now(),
              case when (r.id + k) % 10 = 0 then now() end
       from rooms r
       join hotels h on h.id = r.hotel_id
       cross join (select array_agg(id order by id) ids from users where email like 'guest-%') g
       cross join generate_series(0, ${BOOKINGS_PER_ROOM - 1}) k
       cross join lateral (select $1::date - 320 + k * 20 + (r.id % 7)::int as date_from,
                                  2 + ((r.id + k) % 4)::int as nights) s
       order by r.id, k`,
      [today],
    )
    // The triggers were skipped: the nights by hotel and day or month are computed once, from the bookings.
    await client.query('select rebuild_booking_nights()')
  })
  await client.query('vacuum (analyze) users, hotels, rooms, bookings, booking_days, booking_months')
  return { today, ...(await counts(client, today)), seconds: (performance.now() - started) / 1000 }
}

/**
 * Adds `perRoom` more past stays to every room type, before the earliest one (one every 20 days, going
 * back), to show that searching does not slow down as past bookings pile up.
 */
export async function addPastBookings(
  client: pg.Client,
  perRoom: number,
  today: string,
): Promise<BookingsDataSet> {
  const started = performance.now()
  await client.query(
    `insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                           total_cost, status, created_at)
     select r.id, (select min(id) from users where email like 'guest-%'), h.name, r.name, s.date_from,
            s.date_from + 3, r.price, 3, r.price * 3, 'confirmed', now()
     from rooms r
     join hotels h on h.id = r.hotel_id
     cross join generate_series(1, $2::int) k
     cross join lateral (select $1::date - 320 - k * 20 as date_from) s
     order by r.id, k`,
    [today, perRoom],
  )
  await client.query('vacuum (analyze) bookings')
  return { today, ...(await counts(client, today)), seconds: (performance.now() - started) / 1000 }
}

async function counts(client: pg.Client, today: string) {
  const { rows } = await client.query<{ hotels: number; rooms: number; bookings: number; past: number }>(
    `select (select count(*) from hotels) hotels, (select count(*) from rooms) rooms,
            (select count(*) from bookings) bookings,
            (select count(*) from bookings where date_to <= $1::date) past`,
    [today],
  )
  const row = rows[0]
  if (!row) throw new Error('Could not count the generated rows.')
  return { hotels: row.hotels, rooms: row.rooms, bookings: row.bookings, pastBookings: row.past }
}

/** Every room type id, for the booking scenario. */
export async function roomIds(client: pg.Client): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>('select id from rooms order by id')
  return rows.map((row) => row.id)
}

export async function hotelIds(client: pg.Client): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>('select id from hotels order by id')
  return rows.map((row) => row.id)
}
