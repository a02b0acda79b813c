/** A decimal string of money ("1250.50", "-3.10") as whole cents, without passing through a float. */
export function centsOf(amount: string): number {
  const negative = amount.startsWith('-')
  const [whole = '0', fraction = ''] = amount.replace(/^[-+]/, '').split('.')
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2))
  return negative ? -cents : cents
}

/** Whole cents back as the decimal string the money formatter takes. */
export function amountOf(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(Math.round(cents))
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' })

/** "2026-03" as the reader writes a month ("Mar 26"). */
export function monthLabel(month: string): string {
  const [year, number] = month.split('-').map(Number)
  if (!year || !number) return month
  return monthFormat.format(new Date(Date.UTC(year, number - 1, 1)))
}

/** The distinct months of the rows, in their order (the API orders rows by month). */
export function monthsOf(rows: { month: string }[]): string[] {
  return [...new Set(rows.map((row) => row.month))]
}

/**
 * One series per value of `key` (a status, a purpose), summing `value` per month; a series with
 * nothing in any month is left out, so the chart shows what happened.
 */
export function seriesBy<T extends { month: string }>(
  rows: T[],
  months: string[],
  key: (row: T) => string,
  value: (row: T) => number,
): { name: string; values: number[] }[] {
  const names = [...new Set(rows.map(key))]
  return names
    .map((name) => ({
      name,
      values: months.map((month) =>
        rows
          .filter((row) => row.month === month && key(row) === name)
          .reduce((sum, row) => sum + value(row), 0),
      ),
    }))
    .filter((series) => series.values.some((v) => v !== 0))
}
