import { sql } from 'kysely'
import { formatCents } from '../../platform/validation/money.ts'
import { MAX_NIGHTS } from './availability.ts'
import type { BookingsDb } from './bookings.repository.ts'

/** One hotel's month, within the range asked. Hotels' months with nothing are absent. */
export interface HotelMonthFigures {
  hotel_id: number
  /** YYYY-MM */
  month: string
  /** Nights of confirmed stays in this month and the range (a stay across months counts in each). */
  nights_sold: number
  /** Those nights at their booked price per night, as a decimal string. */
  revenue: string
  /** Cancelled stays that were to start in this month and the range. */
  cancellations: number
}

export interface HotelRooms {
  id: number
  name: string
  /** Rooms of every type the hotel has now. */
  rooms: number
}

type NightsRow = { hotel_id: number; month: string; nights: number; revenue_cents: string }

/**
 * Nights and revenue of confirmed stays by hotel and month, from `from` to `to` (dates, inclusive).
 * Only confirmed bookings count (whatever else a booking may be, such as waiting for its payment,
 * sells no night); each stay is cut to the range, then split by month.
 */
async function nightsByHotelMonth(db: BookingsDb, range: { from: string; to: string }): Promise<NightsRow[]> {
  const nightsIn = sql`least(s.end_night, (m + interval '1 month')::date) - greatest(s.first_night, m::date)`
  const { rows } = await sql<NightsRow>`
    with stays as (
      select r.hotel_id, b.price,
        greatest(b.date_from, ${range.from}::date) as first_night,
        least(b.date_to, ${range.to}::date + 1) as end_night
      from bookings b join rooms r on r.id = b.room_id
      where b.status = 'confirmed' and b.date_from <= ${range.to}::date and b.date_to > ${range.from}::date
        -- No stay is longer than MAX_NIGHTS: this bounds the range of arrivals to read.
        and b.date_from > ${range.from}::date - ${MAX_NIGHTS}::int
    )
    select hotel_id, to_char(m, 'YYYY-MM') as month, nights, revenue_cents from (
    select s.hotel_id, m, sum(${nightsIn})::int as nights,
      (sum(s.price * (${nightsIn})) * 100)::bigint::text as revenue_cents
    from stays s
    -- A stay of at most MAX_NIGHTS (30) nights touches at most three months (31 January to 1 March):
    -- three rows at most per stay (generate_series would be planned as a thousand, and JIT-compiled).
    cross join lateral (
      select date_trunc('month', s.first_night::timestamp) + step * interval '1 month' as m
      from (values (0), (1), (2)) as steps (step)
    ) as months
    where m < s.end_night
    group by 1, 2) as by_month`.execute(db)
  return rows
}

async function cancellationsByHotelMonth(
  db: BookingsDb,
  range: { from: string; to: string },
): Promise<{ hotel_id: number; month: string; cancellations: number }[]> {
  const { rows } = await sql<{ hotel_id: number; month: string; cancellations: number }>`
    select r.hotel_id, to_char(b.date_from, 'YYYY-MM') as month, count(*)::int as cancellations
    from bookings b join rooms r on r.id = b.room_id
    where b.status = 'cancelled' and b.date_from between ${range.from}::date and ${range.to}::date
    group by 1, 2`.execute(db)
  return rows
}

/** Every hotel, by id, with how many rooms it has. */
export async function hotelRooms(db: BookingsDb): Promise<HotelRooms[]> {
  const { rows } = await sql<HotelRooms>`
    select h.id, h.name, coalesce(sum(r.quantity), 0)::int as rooms
    from hotels h left join rooms r on r.hotel_id = h.id
    group by h.id order by h.id`.execute(db)
  return rows
}

/** Bookings by hotel and month; bookings of a room type deleted since are not counted. */
export async function bookingsByHotelMonth(
  db: BookingsDb,
  range: { from: string; to: string },
): Promise<HotelMonthFigures[]> {
  const [nights, cancellations] = await Promise.all([
    nightsByHotelMonth(db, range),
    cancellationsByHotelMonth(db, range),
  ])
  const figures = new Map<string, HotelMonthFigures>()
  const entry = (hotelId: number, month: string) => {
    const key = `${hotelId} ${month}`
    let found = figures.get(key)
    if (!found) {
      found = { hotel_id: hotelId, month, nights_sold: 0, revenue: '0.00', cancellations: 0 }
      figures.set(key, found)
    }
    return found
  }
  for (const row of nights) {
    Object.assign(entry(row.hotel_id, row.month), {
      nights_sold: row.nights,
      revenue: formatCents(BigInt(row.revenue_cents)),
    })
  }
  for (const row of cancellations) entry(row.hotel_id, row.month).cancellations = row.cancellations
  return [...figures.values()]
}
