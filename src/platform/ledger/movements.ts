import { sql, type RawBuilder } from 'kysely'
import { FOLDED_SLOT } from './day-totals-fold.ts'

/*
 * Movements of money for a ledger that merges several modules' sources (billing's charges and
 * refunds, the payouts): what a ledger asks for, and how each source turns that into conditions on
 * its own columns, the same way for all.
 */

/**
 * Which movements of money a ledger asks for. Every source of movements (billing's charges and
 * refunds, the payouts) reads it with its own columns and indexes.
 */
export interface MovementFilter {
  /** Calendar dates, both inclusive, in `timeZone`. */
  from?: string | undefined
  to?: string | undefined
  kind?: string | undefined
  currency?: string | undefined
  timeZone: string
  /** Only the movements after this one in the ledger's order (at, id, source: all descending). */
  after?: MovementKey | undefined
  /** Only money that moved (for totals): payouts funded at the provider or paid. */
  settled?: boolean
  /** Instants: only the movements at or after `since` and before `before` (a range's edge days). */
  since?: Date | undefined
  before?: Date | undefined
}

/**
 * A movement's place in the ledger's order: its time as microseconds since the Unix epoch (a decimal
 * string: a JS Date keeps milliseconds only, and two movements may differ by less), its id and the
 * number of its source.
 */
export interface MovementKey {
  atMicros: string
  id: number
  source: number
}

/** The SQL of a movement's time as a `MovementKey`'s `atMicros`. */
export function atMicros(at: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(extract(epoch from ${at}) * 1000000)::bigint::text`
}

/**
 * Which day totals a ledger sums: the UTC days from `fromDay` (inclusive) to `toDay` (exclusive),
 * either open, of one kind and currency when given; only settled money when `settled`.
 */
export interface DayTotalsFilter {
  fromDay?: string | undefined
  toDay?: string | undefined
  kind?: string | undefined
  currency?: string | undefined
  settled: boolean
}

/**
 * A module's movements for a ledger: the kinds it has, its rows (the newest `limit` when given) with
 * the columns listed in payout-movements.ts, and its totals by UTC day, kept in the same transactions
 * as its rows change, as rows of (kind, direction, currency, movements, amount_cents) that add up to
 * them (grouped or not).
 */
export interface LedgerSource {
  kinds: readonly string[]
  movements: (filter: MovementFilter, limit?: number) => RawBuilder<unknown>
  dayTotals: (filter: DayTotalsFilter) => RawBuilder<unknown>
}

/** A module's tables of totals: by UTC day (migration 0024) and by month of its folded days (0028). */
export interface TotalsTables {
  days: string
  months: string
}

/**
 * Rows (kind, currency, status, movements, amount_cents) that add up to a module's totals of the UTC
 * days of `filter`: the month totals of the months wholly inside them with the day rows of those
 * months not folded yet (month totals hold the folded ones), and every day row of the days before
 * and after the whole months. Not grouped: the ledger sums them as it needs.
 */
export function totalsRows(tables: TotalsTables, filter: DayTotalsFilter): RawBuilder<unknown> {
  const days = sql.table(tables.days)
  const { firstMonth, afterMonths } = wholeMonths(filter)
  const of = (table: RawBuilder<unknown>, where: RawBuilder<unknown>[]) =>
    sql`select t.kind, t.currency, t.status, t.movements, t.amount_cents from ${table} t
      where ${sql.join([...where, ...kindAndCurrency(filter)], sql` and `)}`
  if (firstMonth !== undefined && afterMonths !== undefined && firstMonth >= afterMonths) {
    return of(days, dayBounds(filter.fromDay, filter.toDay))
  }
  const parts = [
    of(sql.table(tables.months), monthBounds(firstMonth, afterMonths)),
    of(days, [sql`t.slot <> ${FOLDED_SLOT}`, ...dayBounds(firstMonth, afterMonths)]),
  ]
  if (filter.fromDay !== undefined && firstMonth !== undefined && filter.fromDay < firstMonth) {
    parts.push(of(days, dayBounds(filter.fromDay, firstMonth)))
  }
  if (filter.toDay !== undefined && afterMonths !== undefined && afterMonths < filter.toDay) {
    parts.push(of(days, dayBounds(afterMonths, filter.toDay)))
  }
  return sql.join(
    parts.map((part) => sql`(${part})`),
    sql` union all `,
  )
}

/** The first of the months wholly inside the days and the first of the month after them (open: undefined). */
function wholeMonths(filter: DayTotalsFilter): { firstMonth?: string; afterMonths?: string } {
  const months: { firstMonth?: string; afterMonths?: string } = {}
  if (filter.fromDay !== undefined) {
    months.firstMonth = filter.fromDay.endsWith('-01') ? filter.fromDay : nextMonth(filter.fromDay)
  }
  if (filter.toDay !== undefined) months.afterMonths = `${filter.toDay.slice(0, 7)}-01`
  return months
}

/** The first day of the month after that of `day` (YYYY-MM-DD). */
function nextMonth(day: string): string {
  const year = Number(day.slice(0, 4))
  const month = Number(day.slice(5, 7))
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`
}

function dayBounds(from: string | undefined, to: string | undefined): RawBuilder<unknown>[] {
  const bounds = [sql`true`]
  if (from !== undefined) bounds.push(sql`t.day >= ${from}::date`)
  if (to !== undefined) bounds.push(sql`t.day < ${to}::date`)
  return bounds
}

function monthBounds(from: string | undefined, to: string | undefined): RawBuilder<unknown>[] {
  const bounds = [sql`true`]
  if (from !== undefined) bounds.push(sql`t.month >= ${from}::date`)
  if (to !== undefined) bounds.push(sql`t.month < ${to}::date`)
  return bounds
}

function kindAndCurrency(filter: DayTotalsFilter): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = []
  if (filter.kind !== undefined) parts.push(sql`t.kind = ${filter.kind}`)
  if (filter.currency !== undefined) parts.push(sql`t.currency = ${filter.currency}`)
  return parts
}

/**
 * The conditions of `filter` on one source of movements: its time column, id column, kind and
 * currency expressions, and its source number. Shared by every source, so they all read a filter the
 * same way; `after` is written so each source's index on (time desc, id desc) bounds the scan.
 */
export function movementConditions(
  filter: MovementFilter,
  columns: {
    at: RawBuilder<unknown>
    id: RawBuilder<unknown>
    kind: RawBuilder<unknown>
    currency: RawBuilder<unknown>
  },
  source: number,
): RawBuilder<unknown> {
  const parts = [sql`true`]
  if (filter.from !== undefined) {
    parts.push(sql`${columns.at} >= (${filter.from}::date)::timestamp at time zone ${filter.timeZone}`)
  }
  if (filter.to !== undefined) {
    parts.push(sql`${columns.at} < (${filter.to}::date + 1)::timestamp at time zone ${filter.timeZone}`)
  }
  if (filter.since !== undefined) parts.push(sql`${columns.at} >= ${filter.since}`)
  if (filter.before !== undefined) parts.push(sql`${columns.at} < ${filter.before}`)
  if (filter.kind !== undefined) parts.push(sql`${columns.kind} = ${filter.kind}`)
  if (filter.currency !== undefined) parts.push(sql`${columns.currency} = ${filter.currency}`)
  const { after } = filter
  if (after) {
    // Whole seconds, then the microseconds: exact, where one product in floating point is not.
    const micros = sql`${after.atMicros}::bigint`
    const at = sql`(to_timestamp(${micros} / 1000000) + (${micros} % 1000000) * interval '1 microsecond')`
    const id = sql`${after.id}::bigint`
    // Descending (at, id, source): this source's rows of the same (at, id) come after only when its
    // number is lower than the cursor's.
    parts.push(
      source < after.source
        ? sql`(${columns.at}, ${columns.id}) <= (${at}, ${id})`
        : sql`(${columns.at}, ${columns.id}) < (${at}, ${id})`,
    )
  }
  return sql.join(parts, sql` and `)
}
