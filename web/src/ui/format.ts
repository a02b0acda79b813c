/**
 * Money arrives as decimal strings ("984.00") and is shown without ever becoming a float:
 * Intl.NumberFormat formats the string's exact decimal value.
 */
export function formatMoney(amount: string, currency?: string): string {
  const options: Intl.NumberFormatOptions = currency
    ? { style: 'currency', currency, minimumFractionDigits: 2 }
    : { minimumFractionDigits: 2, maximumFractionDigits: 2 }
  // The string overload keeps every digit (Intl.NumberFormat v3); the cast only satisfies older lib types.
  return new Intl.NumberFormat(undefined, options).format(amount as unknown as number)
}

/** A calendar date (`YYYY-MM-DD`) as the reader writes dates, without moving it across time zones. */
export function formatDate(date: string): string {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number)
  if (!year || !month || !day) return date
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  )
}

/** A timestamp in the reader's own time zone. */
export function formatDateTime(timestamp: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(timestamp),
  )
}

/** A fraction as a percentage ("0.3651" → "36.51 %"), from its decimal string. */
export function formatRate(fraction: string): string {
  return new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 2 }).format(
    fraction as unknown as number,
  )
}

/** Today in the reader's calendar, as `YYYY-MM-DD`. */
export function today(): string {
  const now = new Date()
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}
