/**
 * The rules of early payment ("anticipation"), pure and exact: money in integer cents, the rate as a
 * fraction of integers, rounding half to even.
 */

export type PaymentStatus = 'A' | 'U' | 'PC' | 'AN' | 'D'
export type AnticipationStatus = 'PC' | 'A' | 'D'
export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['A', 'U', 'PC', 'AN', 'D']
export const ANTICIPATION_STATUSES: readonly AnticipationStatus[] = ['PC', 'A', 'D']

const DAY_MS = 86_400_000

/** Whole days from `from` to `to` (calendar dates, YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
}

/**
 * A payment's status, derived from its due date, today (in the business time zone) and its
 * anticipation. Every payment is in exactly one.
 */
export function paymentStatus(
  dueDate: string,
  anticipation: AnticipationStatus | null,
  today: string,
): PaymentStatus {
  if (anticipation === 'A') return 'AN'
  if (anticipation === 'D') return 'D'
  if (dueDate <= today) return 'U'
  return anticipation === 'PC' ? 'PC' : 'A'
}

/** A decimal fraction such as "0.03" as numerator / denominator. */
export function parseRate(rate: string): { numerator: bigint; denominator: bigint } {
  // split() always gives at least one part: the whole number.
  const [whole, fraction = ''] = rate.split('.') as [string, string?]
  const denominator = 10n ** BigInt(fraction.length)
  // BigInt('') is 0n: "3" has no fraction.
  return { numerator: BigInt(whole) * denominator + BigInt(fraction), denominator }
}

/** numerator / denominator rounded to an integer, halves to the even neighbour (banker's rounding). */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator < 0n) return divideHalfEven(-numerator, -denominator)
  const quotient = numerator / denominator
  // Stryker disable next-line ArithmeticOperator: equivalent — a floor one too low when the division is exact leaves rest = denominator, which the checks below round back up to the quotient.
  const remainder = numerator % denominator
  // Stryker disable next-line EqualityOperator: equivalent, for the same reason.
  const floor = remainder < 0n ? quotient - 1n : quotient
  const rest = numerator - floor * denominator
  const twice = 2n * rest
  if (twice < denominator) return floor
  if (twice > denominator) return floor + 1n
  return floor % 2n === 0n ? floor : floor + 1n
}

export interface AnticipationTerms {
  days: number
  /** What the supplier receives, in cents. */
  newValue: bigint
  /** What the supplier gives up, in cents. */
  discount: bigint
}

/**
 * new_value = value − value × (monthly rate / 30) × days, rounded half-even to cents.
 * E.g. 15.00 one day early at 3 % → 14.98; 1000.00 sixteen days early → 984.00.
 */
export function anticipationTerms(
  valueCents: bigint,
  dueDate: string,
  newDueDate: string,
  monthlyRate: string,
): AnticipationTerms {
  const days = daysBetween(newDueDate, dueDate)
  const { numerator, denominator } = parseRate(monthlyRate)
  // value − value × rate × days / 30, as one fraction over (denominator × 30).
  const scale = denominator * 30n
  const newValue = divideHalfEven(valueCents * scale - valueCents * numerator * BigInt(days), scale)
  return { days, newValue, discount: valueCents - newValue }
}

/**
 * The effective annual rate of giving up `discount` of `value` for `days` days:
 * d / (1 − d) × 365 / days with d = discount / value, as a decimal string with 4 places.
 */
export function effectiveAnnualRate(valueCents: bigint, discountCents: bigint, days: number): string {
  if (days <= 0) return '0.0000'
  // Stryker disable next-line EqualityOperator: equivalent — a zero discount gives 0.0000 by the formula too.
  if (discountCents <= 0n) return '0.0000'
  // d / (1 − d) = discount / (value − discount)
  const tenThousandths = divideHalfEven(
    discountCents * 365n * 10_000n,
    (valueCents - discountCents) * BigInt(days),
  )
  const whole = tenThousandths / 10_000n
  return `${whole}.${(tenThousandths % 10_000n).toString().padStart(4, '0')}`
}

/** Why a payment cannot be anticipated to `newDueDate` today, or undefined when it can. */
export function anticipationProblem(
  payment: { dueDate: string; anticipation: AnticipationStatus | null },
  newDueDate: string,
  today: string,
): { field: 'new_due_date' | 'non_field_errors'; message: string } | undefined {
  if (payment.anticipation !== null) {
    return {
      field: 'non_field_errors',
      message: 'This payment already has an anticipation; only one is allowed.',
    }
  }
  if (payment.dueDate <= today) {
    return {
      field: 'non_field_errors',
      message: 'This payment is due or past due; it can no longer be anticipated.',
    }
  }
  if (newDueDate < today) return { field: 'new_due_date', message: 'The new due date cannot be in the past.' }
  if (newDueDate >= payment.dueDate) {
    return { field: 'new_due_date', message: 'The new due date must be before the payment’s due date.' }
  }
  return undefined
}
