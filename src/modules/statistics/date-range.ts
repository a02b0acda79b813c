import { FieldErrorCollector } from '../../platform/errors.ts'

/*
 * The period a figure covers: calendar dates in the business time zone, both ends included. Without
 * dates, the last 12 months: from the first day of the month 11 months before this one to today.
 * Figures come by month (YYYY-MM); a month cut by the range counts only its days in the range.
 */

export interface DateRange {
  from: string
  to: string
}

export const MAX_YEARS = 5

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The range asked for, or every problem with it as field errors (400). */
export function parseRange(
  query: { from?: string | undefined; to?: string | undefined },
  today: string,
): DateRange {
  const errors = new FieldErrorCollector()
  const to = query.to ?? today
  if (query.from !== undefined && !isDate(query.from)) errors.add('from', 'Enter a date as YYYY-MM-DD.')
  if (!isDate(to)) errors.add('to', 'Enter a date as YYYY-MM-DD.')
  errors.throwIfAny()
  const from = query.from ?? `${addMonths(monthOf(to), -11)}-01`
  if (from > to) errors.add('to', 'Must be on or after from.')
  // Past year 9999 the limit is not a date any more, and no date reaches it.
  else if (to >= addYears(from, MAX_YEARS) && isDate(addYears(from, MAX_YEARS)))
    errors.add('to', `The range is at most ${MAX_YEARS} years.`)
  errors.throwIfAny()
  return { from, to }
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isDate(text: string): boolean {
  const match = DATE.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  )
}

export function monthOf(date: string): string {
  return date.slice(0, 7)
}

/** YYYY-MM moved by `months` (negative: back). */
export function addMonths(month: string, months: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** The same day `years` later (29 February → 1 March when that year has none). */
function addYears(date: string, years: number): string {
  const moved = new Date(`${date}T00:00:00Z`)
  moved.setUTCFullYear(moved.getUTCFullYear() + years)
  return moved.toISOString().slice(0, 10)
}

/** Every month the range touches, in order. */
export function monthsOf(range: DateRange): string[] {
  const months: string[] = []
  for (let month = monthOf(range.from); month <= monthOf(range.to); month = addMonths(month, 1)) {
    months.push(month)
  }
  return months
}

/** How many days of `month` fall within the range. */
export function daysInRange(month: string, range: DateRange): number {
  const first = `${month}-01`
  const next = `${addMonths(month, 1)}-01`
  const start = first > range.from ? first : range.from
  const end = next <= range.to ? next : dayAfter(range.to)
  return Math.max(
    0,
    Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000),
  )
}

function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}
