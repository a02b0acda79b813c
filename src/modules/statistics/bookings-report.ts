import type { HotelMonthFigures, HotelRooms, HotelSelection } from '../bookings/index.ts'
import { daysInRange, monthsOf, type DateRange } from './date-range.ts'
import { ratio, type Sources } from './reports.ts'

/**
 * Bookings by month, then hotel id, for the hotels selected (one, a page in id order, or every one):
 * each of them in every month, their ids, and how many hotels the selection holds in all.
 */
export async function bookingsTable(sources: Sources, range: DateRange, selection: HotelSelection) {
  const { count, hotels } = await sources.bookings.hotelRooms(selection)
  const first = hotels[0]
  const last = hotels.at(-1)
  const everyHotel = selection.hotel === undefined && selection.limit === undefined
  const figures =
    first === undefined || last === undefined
      ? []
      : await sources.bookings.bookingsByHotelMonth(
          range,
          everyHotel ? undefined : { first: first.id, last: last.id },
        )
  return { count, hotels: hotels.map((hotel) => hotel.id), rows: placed(range, hotels, figures) }
}

/** The table of the selected hotels, with the month totals of every hotel (what a chart draws). */
export async function bookingsReport(sources: Sources, range: DateRange, selection: HotelSelection) {
  const [table, totals, rooms] = await Promise.all([
    bookingsTable(sources, range, selection),
    sources.bookings.bookingsByMonth(range),
    sources.bookings.roomsInAll(),
  ])
  const found = new Map(totals.map((row) => [row.month, row]))
  const monthTotals = monthsOf(range).map((month) => {
    const row = found.get(month)
    const nights = row?.nights_sold ?? 0
    return {
      month,
      rooms,
      nights_sold: nights,
      occupancy: ratio(nights, rooms * daysInRange(month, range)),
      revenue: row?.revenue ?? '0.00',
      cancellations: row?.cancellations ?? 0,
    }
  })
  return { ...range, count: table.count, hotels: table.hotels, totals: monthTotals, rows: table.rows }
}

/**
 * Every hotel in every month, with zeros where nothing happened. Five years of 1 000 hotels is 60 000
 * rows, so the figures are placed by position (month × hotel) rather than looked up by a text key.
 */
function placed(range: DateRange, hotels: HotelRooms[], figures: HotelMonthFigures[]) {
  const months = monthsOf(range)
  const monthAt = new Map(months.map((month, index) => [month, index]))
  const hotelAt = new Map(hotels.map((hotel, index) => [hotel.id, index]))
  const found = new Array<HotelMonthFigures | undefined>(months.length * hotels.length)
  for (const row of figures) {
    const month = monthAt.get(row.month)
    const hotel = hotelAt.get(row.hotel_id)
    if (month !== undefined && hotel !== undefined) found[month * hotels.length + hotel] = row
  }
  const rows = []
  for (const [m, month] of months.entries()) {
    const days = daysInRange(month, range)
    for (const [h, hotel] of hotels.entries()) {
      const row = found[m * hotels.length + h]
      const nights = row?.nights_sold ?? 0
      rows.push({
        month,
        hotel_id: hotel.id,
        hotel: hotel.name,
        rooms: hotel.rooms,
        nights_sold: nights,
        occupancy: ratio(nights, hotel.rooms * days),
        revenue: row?.revenue ?? '0.00',
        cancellations: row?.cancellations ?? 0,
      })
    }
  }
  return rows
}
