import { sql } from 'kysely'
import { formatCents } from '../../platform/validation/money.ts'
import {
  divideHalfEven,
  paymentStatus,
  type AnticipationStatus,
  type PaymentStatus,
} from './anticipation-rules.ts'
import type { PaymentsDb } from './supplier-payments.repository.ts'

/** Payables of one month of due dates in one derived status. Months and statuses with none are absent. */
export interface PayablesFigures {
  /** YYYY-MM */
  month: string
  status: PaymentStatus
  count: number
  /** The payments' value, as a decimal string. */
  total: string
  /** Anticipated payments (AN) only, zeros for the others: what their anticipations paid instead of `total`. */
  new_value: string
  discount: string
  /** Days brought forward, on average, as a decimal string with 2 places. */
  avg_days: string
  /** d / (1 − d) × 365 / avg_days with d = discount / total, a decimal string with 4 places. */
  effective_annual_rate: string
}

type TotalsRow = {
  month: string
  anticipation: 'none' | AnticipationStatus
  due_after_today: boolean
  count: number
  value_cents: string
  new_value_cents: string
  days: number
}

/**
 * Payables by month of due date and status, from the count rows the triggers on payments keep with
 * their totals (migrations 0016 and 0021): about one row per anticipation status and due date (plus
 * the slots written since the last fold), whatever the number of payments. The status of a count row
 * follows from its anticipation status and its due date's side of today (paymentStatus).
 */
export async function payablesByMonth(
  db: PaymentsDb,
  range: { from: string; to: string; today: string },
  supplierId?: number,
): Promise<PayablesFigures[]> {
  const table = supplierId === undefined ? sql`payment_counts` : sql`supplier_payment_counts`
  const ofSupplier = supplierId === undefined ? sql`` : sql`and supplier_id = ${supplierId}`
  const { rows } = await sql<TotalsRow>`
    select to_char(due_date, 'YYYY-MM') as month, anticipation, due_date > ${range.today}::date as due_after_today,
      sum(payments)::bigint as count, (sum(value) * 100)::bigint::text as value_cents,
      (sum(new_value) * 100)::bigint::text as new_value_cents, sum(anticipated_days)::bigint as days
    from ${table}
    where due_date between ${range.from}::date and ${range.to}::date ${ofSupplier}
    group by 1, 2, 3
    having sum(payments) <> 0`.execute(db)
  return combine(rows, range.today)
}

/** Count rows of one month and derived status added together, then turned into figures. */
function combine(rows: TotalsRow[], today: string): PayablesFigures[] {
  const groups = new Map<
    string,
    { month: string; status: PaymentStatus; count: number; value: bigint; newValue: bigint; days: number }
  >()
  // A due date on either side of today, as far as the status can tell.
  const dueDateLike = (after: boolean) => (after ? '9999-12-31' : today)
  for (const row of rows) {
    const anticipation = row.anticipation === 'none' ? null : row.anticipation
    const status = paymentStatus(dueDateLike(row.due_after_today), anticipation, today)
    const key = `${row.month} ${status}`
    const group = groups.get(key) ?? { month: row.month, status, count: 0, value: 0n, newValue: 0n, days: 0 }
    group.count += row.count
    group.value += BigInt(row.value_cents)
    // Only anticipated payments (AN) were paid early; the terms of pending or denied ones are not figures.
    if (row.anticipation === 'A') {
      group.newValue += BigInt(row.new_value_cents)
      group.days += row.days
    }
    groups.set(key, group)
  }
  return [...groups.values()].map((group) => {
    const anticipated = group.status === 'AN'
    const discount = anticipated ? group.value - group.newValue : 0n
    return {
      month: group.month,
      status: group.status,
      count: group.count,
      total: formatCents(group.value),
      new_value: formatCents(group.newValue),
      discount: formatCents(discount),
      avg_days: averageDays(group.days, group.count, anticipated),
      effective_annual_rate: annualRate(group.value, discount, group.count, group.days),
    }
  })
}

function averageDays(days: number, count: number, anticipated: boolean): string {
  if (!anticipated || count === 0) return '0.00'
  return formatCents(divideHalfEven(BigInt(days) * 100n, BigInt(count)))
}

/**
 * The effective annual rate of anticipations taken together: d / (1 − d) × 365 / average days, with d
 * their discount over their value. As for one anticipation (effectiveAnnualRate), 4 places, half even.
 */
function annualRate(value: bigint, discount: bigint, count: number, days: number): string {
  if (discount <= 0n || days <= 0 || value <= discount) return '0.0000'
  const tenThousandths = divideHalfEven(
    discount * 365n * BigInt(count) * 10_000n,
    (value - discount) * BigInt(days),
  )
  return `${tenThousandths / 10_000n}.${(tenThousandths % 10_000n).toString().padStart(4, '0')}`
}

/** Anticipations waiting for an operator's decision (status PC), from the count rows. */
export async function pendingAnticipations(db: PaymentsDb): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select coalesce(sum(payments), 0)::bigint as count from payment_counts where anticipation = 'PC'`.execute(
    db,
  )
  return rows[0]?.count ?? 0
}

export async function countSuppliers(db: PaymentsDb): Promise<number> {
  const row = await db
    .selectFrom('suppliers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return row.count
}
