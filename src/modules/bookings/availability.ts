/**
 * The rules of stays and availability, pure. A stay is the half-open interval of nights
 * [date_from, date_to): a guest leaving on the 10th and one arriving on the 10th do not overlap.
 */

import type { FieldErrors } from '../../platform/errors.ts'

export const MAX_NIGHTS = 30
const DAY_MS = 86_400_000

export interface Stay {
  dateFrom: string
  dateTo: string
}

/** Nights from `dateFrom` to `dateTo` (calendar dates, YYYY-MM-DD). */
export function nightsBetween(dateFrom: string, dateTo: string): number {
  return Math.round((Date.parse(`${dateTo}T00:00:00Z`) - Date.parse(`${dateFrom}T00:00:00Z`)) / DAY_MS)
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T00:00:00Z`)
  instant.setUTCDate(instant.getUTCDate() + days)
  return instant.toISOString().slice(0, 10)
}

/** True when two stays share at least one night. */
export function overlaps(a: Stay, b: Stay): boolean {
  return a.dateFrom < b.dateTo && b.dateFrom < a.dateTo
}

/**
 * What is wrong with the dates of a search or a booking, by field; undefined when they are a stay
 * that can be asked for today. Dates come together or not at all.
 */
export function stayProblems(
  dates: { date_from?: string | undefined; date_to?: string | undefined },
  today: string,
): FieldErrors | undefined {
  const { date_from: from, date_to: to } = dates
  if (from === undefined && to === undefined) return undefined
  if (from === undefined) return { date_from: ['Give date_from together with date_to.'] }
  if (to === undefined) return { date_to: ['Give date_to together with date_from.'] }
  const errors: FieldErrors = {}
  if (from < today) errors.date_from = ['The stay cannot start in the past.']
  const nights = nightsBetween(from, to)
  if (nights < 1) errors.date_to = ['date_to must be after date_from.']
  else if (nights > MAX_NIGHTS) errors.date_to = [`A stay is at most ${MAX_NIGHTS} nights.`]
  return Object.keys(errors).length > 0 ? errors : undefined
}

/**
 * The most confirmed bookings on any one night of `stay`: a sweep over the arrivals and departures of
 * the bookings that share a night with it, so its cost follows the number of bookings, not the length
 * of the stay. Those bookings all leave after the stay starts and arrive before it ends, so the count
 * only rises before the stay and only falls after it: its highest point is a night of the stay.
 */
export function fullestNight(confirmed: readonly Stay[], stay: Stay): number {
  const changes: { date: string; delta: number }[] = []
  for (const booking of confirmed) {
    if (overlaps(booking, stay))
      changes.push({ date: booking.dateFrom, delta: 1 }, { date: booking.dateTo, delta: -1 })
  }
  // Nights are half-open: on one date, departures come before arrivals.
  changes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.delta - b.delta))
  let taken = 0
  let fullest = 0
  for (const { delta } of changes) {
    taken += delta
    fullest = Math.max(fullest, taken)
  }
  return fullest
}

/**
 * Rooms of a type left for a whole stay: its quantity less the confirmed bookings on the fullest night
 * of the stay (never below 0). A room is left only if one is free on every night.
 */
export function roomsLeft(quantity: number, confirmed: readonly Stay[], stay: Stay): number {
  return Math.max(0, quantity - fullestNight(confirmed, stay))
}

/** The price of a stay: nights × price per night, in cents. */
export function totalCost(pricePerNightCents: bigint, nights: number): bigint {
  return pricePerNightCents * BigInt(nights)
}
