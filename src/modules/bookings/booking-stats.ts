import { sql } from 'kysely'
import { formatCents } from '../../platform/validation/money.ts'
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

type FiguresRow = {
  hotel_id: number
  month: string
  nights: number
  revenue_cents: string
  cancellations: number
}

/**
 * Nights, revenue and cancellations by hotel and month, from `from` to `to` (dates, inclusive), read
 * from the roll-ups the bookings' triggers keep (migration 0023): whole months as they are from
 * `booking_months`, the days of a month the range cuts summed from `booking_days`. Only confirmed
 * bookings sell nights (whatever else a booking may be, such as waiting for its payment, sells none);
 * a stay across months counts its nights in each; cancellations count by arrival. `month` is the
 * month's first day.
 */
async function figuresByHotelMonth(
  db: BookingsDb,
  range: { from: string; to: string },
): Promise<FiguresRow[]> {
  const firstWholeMonth = sql`(date_trunc('month', (${range.from}::date - 1)::timestamp) + interval '1 month')::date`
  const afterWholeMonths = sql`date_trunc('month', (${range.to}::date + 1)::timestamp)::date`
  const [whole, cut] = await Promise.all([
    sql<FiguresRow>`
      select hotel_id, month, nights_sold as nights, (revenue * 100)::bigint::text as revenue_cents, cancellations
      from booking_months
      where month >= ${firstWholeMonth} and month < ${afterWholeMonths}`.execute(db),
    sql<FiguresRow>`
      select hotel_id, date_trunc('month', night::timestamp)::date as month, sum(nights_sold)::int as nights,
        (sum(revenue) * 100)::bigint::text as revenue_cents, sum(cancellations)::int as cancellations
      from booking_days
      where night between ${range.from}::date and ${range.to}::date
        and (night < ${firstWholeMonth} or night >= ${afterWholeMonths})
      group by 1, 2`.execute(db),
  ])
  return [...whole.rows, ...cut.rows]
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
  const figures: HotelMonthFigures[] = []
  for (const row of await figuresByHotelMonth(db, range)) {
    if (row.nights === 0 && row.cancellations === 0 && row.revenue_cents === '0') continue
    figures.push({
      hotel_id: row.hotel_id,
      month: row.month.slice(0, 7),
      nights_sold: row.nights,
      revenue: formatCents(BigInt(row.revenue_cents)),
      cancellations: row.cancellations,
    })
  }
  return figures
}
