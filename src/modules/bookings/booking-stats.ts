import { sql } from 'kysely'
import { formatMoney } from '../../platform/validation/money.ts'
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

const TWO_PLACES = /^-?\d+\.\d\d$/

/** Every hotel, by id, with how many rooms it has; only `hotel`, when given. */
export async function hotelRooms(db: BookingsDb, hotel?: number): Promise<HotelRooms[]> {
  const { rows } = await sql<HotelRooms>`
    select h.id, h.name, coalesce(sum(r.quantity), 0)::int as rooms
    from hotels h left join rooms r on r.hotel_id = h.id
    ${hotel === undefined ? sql`` : sql`where h.id = ${hotel}`}
    group by h.id order by h.id`.execute(db)
  return rows
}

/**
 * Nights, revenue and cancellations by hotel and month, from `from` to `to` (dates, inclusive), read
 * from the roll-ups the bookings' triggers keep (migration 0023): whole months as they are from
 * `booking_months`, the days of a month the range cuts summed from `booking_days` (a month is one or
 * the other, so no row is repeated; the cut days are written as two ranges of the
 * index so that the plan PostgreSQL keeps for the prepared statement reads only them, not every day of
 * the range). Only confirmed bookings sell nights (whatever else a booking may be, such as waiting for
 * its payment, sells none); a stay across months counts its nights in each;
 * cancellations count by arrival; bookings of a room type deleted since are not counted. A year is
 * 12 000 rows, so each is read as plainly as it can be: the month as the date of its first day, the
 * revenue as the database writes it (two places, the scale of the prices it sums).
 */
export async function bookingsByHotelMonth(
  db: BookingsDb,
  range: { from: string; to: string },
  hotel?: number,
): Promise<HotelMonthFigures[]> {
  const ofHotel = hotel === undefined ? sql`` : sql`and hotel_id = ${hotel}`
  const firstWholeMonth = sql`(date_trunc('month', (${range.from}::date - 1)::timestamp) + interval '1 month')::date`
  const afterWholeMonths = sql`date_trunc('month', (${range.to}::date + 1)::timestamp)::date`
  const { rows } = await sql<HotelMonthFigures>`
    select hotel_id, month, nights_sold, revenue, cancellations
    from booking_months
    where month >= ${firstWholeMonth} and month < ${afterWholeMonths}
      and (nights_sold <> 0 or revenue <> 0 or cancellations <> 0) ${ofHotel}
    union all
    select hotel_id, date_trunc('month', night::timestamp)::date, sum(nights_sold)::int, sum(revenue),
      sum(cancellations)::int
    from booking_days
    where ((night >= ${range.from}::date and night < ${firstWholeMonth})
      or (night >= ${afterWholeMonths} and night <= ${range.to}::date)) ${ofHotel}
    group by 1, 2
    having sum(nights_sold) <> 0 or sum(revenue) <> 0 or sum(cancellations) <> 0`.execute(db)
  for (const row of rows) {
    row.month = row.month.slice(0, 7)
    if (!TWO_PLACES.test(row.revenue)) row.revenue = formatMoney(row.revenue)
  }
  return rows
}
