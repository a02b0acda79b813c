import { sql, type RawBuilder } from 'kysely'
import { MONTH_TOTALS } from '../../platform/ledger/day-totals-fold.ts'
import { totalsRows, type DayTotalsFilter } from '../../platform/ledger/movements.ts'

/*
 * The ledger's counts and sums read from day totals: each module keeps, per UTC day, kind, currency
 * and status, how many movements it has and their amount (triggers of migration 0024, in the same
 * transactions as its rows change). A range of the ledger is cut into the UTC days wholly inside it,
 * read from those totals, and at most two partial days at its edges (the business time zone's
 * midnight is rarely UTC's), whose movements are read and counted one by one. The months wholly
 * inside those days are read from month totals (migration 0028, `totalsRows`).
 */

const DAY_MS = 86_400_000

/** A range of the ledger cut into whole UTC days and the instants at its edges. */
export interface LedgerSpan {
  /** The whole UTC days inside the range (`toDay` exclusive), when there are any. */
  days?: { fromDay?: string | undefined; toDay?: string | undefined }
  /** The parts of days at the edges: movements at or after `since` and before `before`. */
  edges: { since?: Date | undefined; before?: Date | undefined }[]
}

/** Cuts [from, to) (either open) into whole UTC days and the partial days at its edges. */
export function spanOf(from: Date | undefined, to: Date | undefined): LedgerSpan {
  const firstDay = from && new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS)
  const endDay = to && new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS)
  if (from && to && firstDay && endDay && firstDay >= endDay) {
    return from < to ? { edges: [{ since: from, before: to }] } : { edges: [] }
  }
  const edges: LedgerSpan['edges'] = []
  if (from && firstDay && from < firstDay) edges.push({ since: from, before: firstDay })
  if (to && endDay && endDay < to) edges.push({ since: endDay, before: to })
  return { days: { fromDay: firstDay && isoDay(firstDay), toDay: endDay && isoDay(endDay) }, edges }
}

function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10)
}

/**
 * Billing's totals of charges (money in) and refunds (money out) by UTC day: rows of (kind,
 * direction, currency, movements, amount_cents), one per day, status and slot (the ledger adds them
 * up as it needs: grouping them here too would only cost a second aggregate). Settled money is every
 * paid charge and the refunds that succeeded.
 */
export function billingDayTotals(filter: DayTotalsFilter): RawBuilder<unknown> {
  const settled = filter.settled ? sql`where t.kind = 'booking_payment' or t.status = 'succeeded'` : sql``
  return sql`
    select t.kind, (case t.kind when 'booking_payment' then 'in' else 'out' end)::text as direction, t.currency,
      t.movements, t.amount_cents
    from (${totalsRows(BILLING_TOTALS, filter)}) t
    ${settled}`
}

const BILLING_TOTALS = { days: 'billing_day_totals', months: MONTH_TOTALS.billing_day_totals }
