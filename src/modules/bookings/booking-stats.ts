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

/** Which hotels: one (`hotel`), a page of them in id order (`limit`, `offset`), or every one. */
export interface HotelSelection {
  hotel?: number | undefined
  limit?: number | undefined
  offset?: number | undefined
}

/** Hotels by id with how many rooms each has: the selection's, and how many hotels it selects in all. */
export async function hotelRooms(
  db: BookingsDb,
  selection: HotelSelection = {},
): Promise<{ count: number; hotels: HotelRooms[] }> {
  const one = selection.hotel === undefined ? sql`` : sql`where h.id = ${selection.hotel}`
  const page =
    selection.limit === undefined ? sql`` : sql`limit ${selection.limit} offset ${selection.offset ?? 0}`
  const [{ rows: hotels }, { rows: counted }] = await Promise.all([
    sql<HotelRooms>`
      select h.id, h.name, coalesce((select sum(r.quantity) from rooms r where r.hotel_id = h.id), 0)::int as rooms
      from (select id, name from hotels h ${one} order by id ${page}) h
      order by h.id`.execute(db),
    sql<{ count: number }>`select count(*)::int as count from hotels h ${one}`.execute(db),
  ])
  return { count: counted[0]?.count ?? 0, hotels }
}

/** Nights sold, revenue and cancellations of a month over every hotel. */
export type MonthFigures = Omit<HotelMonthFigures, 'hotel_id'>

/** Hotel ids from `first` to `last`, both included (one hotel: the same id twice). */
export interface HotelIds {
  first: number
  last: number
}

/**
 * Nights, revenue and cancellations by hotel and month, from `from` to `to` (dates, inclusive), read
 * from the roll-ups the bookings' triggers keep (migration 0023): whole months as they are from
 * `booking_months`, the days of a month the range cuts summed from `booking_days` (a month is one or
 * the other, so no row is repeated; the cut days are written as two ranges of the
 * index so that the plan PostgreSQL keeps for the prepared statement reads only them, not every day of
 * the range). Only confirmed bookings sell nights (whatever else a booking may be, such as waiting for
 * its payment, sells none); a stay across months counts its nights in each;
 * cancellations count by arrival; bookings of a room type deleted since are not counted. A year of
 * every hotel is 12 000 rows, so each is read as plainly as it can be: the month as the date of its
 * first day, the revenue as the database writes it (two places, the scale of the prices it sums).
 */
export async function bookingsByHotelMonth(
  db: BookingsDb,
  range: { from: string; to: string },
  hotels?: HotelIds,
): Promise<HotelMonthFigures[]> {
  const ofHotels = hotels === undefined ? sql`` : sql`and hotel_id between ${hotels.first} and ${hotels.last}`
  const { rows } = await sql<HotelMonthFigures>`
    select hotel_id, month, nights_sold, revenue, cancellations
    from booking_months
    where month >= ${firstWholeMonth(range)} and month < ${afterWholeMonths(range)}
      and (nights_sold <> 0 or revenue <> 0 or cancellations <> 0) ${ofHotels}
    union all
    select hotel_id, date_trunc('month', night::timestamp)::date, sum(nights_sold)::int, sum(revenue),
      sum(cancellations)::int
    from booking_days
    where ${cutDays(range)} ${ofHotels}
    group by 1, 2
    having sum(nights_sold) <> 0 or sum(revenue) <> 0 or sum(cancellations) <> 0`.execute(db)
  return readable(rows)
}

/** The same figures summed over every hotel, by month (months with nothing are absent). */
export async function bookingsByMonth(
  db: BookingsDb,
  range: { from: string; to: string },
): Promise<MonthFigures[]> {
  const { rows } = await sql<MonthFigures>`
    select month, sum(nights_sold)::int as nights_sold, sum(revenue) as revenue,
      sum(cancellations)::int as cancellations
    from (
      select month, nights_sold, revenue, cancellations
      from booking_months
      where month >= ${firstWholeMonth(range)} and month < ${afterWholeMonths(range)}
      union all
      select date_trunc('month', night::timestamp)::date, nights_sold, revenue, cancellations
      from booking_days
      where ${cutDays(range)}
    ) figures
    group by month
    having sum(nights_sold) <> 0 or sum(revenue) <> 0 or sum(cancellations) <> 0
    order by month`.execute(db)
  return readable(rows)
}

/** The rooms of every hotel together. */
export async function roomsInAll(db: BookingsDb): Promise<number> {
  const { rows } = await sql<{
    rooms: number
  }>`select coalesce(sum(quantity), 0)::int as rooms from rooms`.execute(db)
  return rows[0]?.rooms ?? 0
}

const firstWholeMonth = (range: { from: string }) =>
  sql`(date_trunc('month', (${range.from}::date - 1)::timestamp) + interval '1 month')::date`
const afterWholeMonths = (range: { to: string }) =>
  sql`date_trunc('month', (${range.to}::date + 1)::timestamp)::date`
const cutDays = (range: { from: string; to: string }) =>
  sql`((night >= ${range.from}::date and night < ${firstWholeMonth(range)})
    or (night >= ${afterWholeMonths(range)} and night <= ${range.to}::date))`

function readable<T extends MonthFigures>(rows: T[]): T[] {
  for (const row of rows) {
    row.month = row.month.slice(0, 7)
    if (!TWO_PLACES.test(row.revenue)) row.revenue = formatMoney(row.revenue)
  }
  return rows
}
