/**
 * Money as decimal strings with two places ("1000.00"), never as floats. Requests may send a JSON
 * number or a string; both are read digit by digit. A JSON number keeps its decimal spelling
 * (1000.5 → "1000.5"); one JavaScript spells with an exponent (1e21, 1e-7), Infinity and NaN do not
 * read as an amount.
 */

export interface MoneyLimits {
  /** Smallest allowed value, inclusive unless `exclusiveMin`. */
  min?: string
  exclusiveMin?: boolean
  /** Largest allowed value, exclusive. */
  below?: string
}

/** The amount in cents, or a message saying why the input is not an amount. */
export function parseMoney(input: string | number, limits: MoneyLimits = {}): bigint | string {
  const text = typeof input === 'number' ? String(input) : input.trim()
  if (!/^-?\d{1,15}(\.\d+)?$/.test(text)) return 'Enter an amount such as 1000.00.'
  // split() always gives at least one part: the whole number.
  const [whole, fraction = ''] = text.replace('-', '').split('.') as [string, string?]
  if (fraction.length > 2) return 'Use at most 2 decimal places.'
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'))
  const value = text.startsWith('-') ? -cents : cents
  if (limits.min !== undefined) {
    const min = toCents(limits.min)
    if (limits.exclusiveMin ? value <= min : value < min) {
      return limits.exclusiveMin
        ? `Ensure this value is greater than ${limits.min}.`
        : `Ensure this value is greater than or equal to ${limits.min}.`
    }
  }
  if (limits.below !== undefined && value >= toCents(limits.below)) {
    return `Ensure this value is less than ${limits.below}.`
  }
  return value
}

/** "1234.5" / 1234.5 → 123450n; the input must already be valid. */
export function toCents(amount: string): bigint {
  const result = parseMoney(amount)
  if (typeof result === 'string') throw new Error(`Not an amount: ${amount}`)
  return result
}

/** An optional amount ("50000.00") in cents; undefined stays undefined. */
export function optionalCents(amount: string | undefined): bigint | undefined {
  return amount === undefined ? undefined : toCents(amount)
}

/** 123450n → "1234.50" */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : ''
  // Stryker disable next-line EqualityOperator: equivalent — -0n is 0n.
  const absolute = cents < 0n ? -cents : cents
  return `${sign}${absolute / 100n}.${(absolute % 100n).toString().padStart(2, '0')}`
}

/** A database numeric as text ("1000", "1000.5") → "1000.00". */
export function formatMoney(amount: string): string {
  return formatCents(toCents(amount))
}
