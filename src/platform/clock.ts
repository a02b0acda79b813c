/**
 * Everything that says "now" asks the Clock, so date rules (due dates, expiry, "today") are testable.
 * Calendar dates are in the business time zone (BUSINESS_TIMEZONE).
 */
export interface Clock {
  now(): Date
  /** Today's calendar date in the business time zone, as YYYY-MM-DD. */
  today(): string
  /** The calendar date of an instant in the business time zone, as YYYY-MM-DD. */
  dateOf(instant: Date): string
}

export function systemClock(timeZone: string): Clock {
  return {
    now: () => new Date(),
    today: () => calendarDate(new Date(), timeZone),
    dateOf: (instant) => calendarDate(instant, timeZone),
  }
}

/** A clock that stands still until moved; for tests and reproducible runs. */
export interface FixedClock extends Clock {
  set(instant: Date | string): void
  advance(milliseconds: number): void
}

export function fixedClock(start: Date | string, timeZone = 'UTC'): FixedClock {
  let current = new Date(start)
  return {
    now: () => new Date(current),
    today: () => calendarDate(current, timeZone),
    dateOf: (instant) => calendarDate(instant, timeZone),
    set: (instant) => {
      current = new Date(instant)
    },
    advance: (milliseconds) => {
      current = new Date(current.getTime() + milliseconds)
    },
  }
}

// Building an Intl.DateTimeFormat costs far more than using one, and "today" is asked on hot paths.
const formatters = new Map<string, Intl.DateTimeFormat>()

export function calendarDate(instant: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    // en-CA formats as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter.format(instant)
}
