import { sql, type RawBuilder } from 'kysely'
import {
  atMicros,
  movementConditions,
  type DayTotalsFilter,
  type LedgerSource,
  type MovementFilter,
  type MovementKey,
} from '../../platform/ledger/movements.ts'
import type { BillingDb } from './billing.repository.ts'
import { billingDayTotals, spanOf } from './ledger-days.ts'

/*
 * The ledger: every movement of money, in (booking payments) and out (booking refunds, and the
 * payouts module's complaint refunds and early payments), newest first. A page is merged from the
 * newest rows of each source, each read in the order of its own index on (time desc, id desc) and
 * cut at the page's end, so a page costs its depth, not the ledger's length. Counts and sums read
 * the day totals each module keeps (ledger-days.ts), plus the movements of the partial days at a
 * range's edges. A source that has none of the kind asked for is left out. Amounts stay integer
 * cents, and sums are done in SQL.
 */

export const LEDGER_KINDS = [
  'booking_payment',
  'booking_refund',
  'complaint_refund',
  'early_payment',
] as const
export type LedgerKind = (typeof LEDGER_KINDS)[number]
export type LedgerFilter = MovementFilter & { kind?: LedgerKind | undefined }

export interface MovementRow {
  at: Date
  direction: 'in' | 'out'
  kind: LedgerKind
  amount_cents: string
  currency: string
  status: string
  subject_type: string
  subject_id: number
  provider: string
  provider_ref: string | null
  source: number
  id: number
  /** `at` to the microsecond, for the row's place in the ledger's order (`keyOf`). */
  at_micros: string
}

/** A row's place in the ledger's order: where a page by cursor or a batch of the export stops. */
export function keyOf(row: MovementRow): MovementKey {
  return { atMicros: row.at_micros, id: row.id, source: row.source }
}

/** A source of movements: its matching rows, the newest `limit` of them when given. */
export type MovementSource = (filter: MovementFilter, limit?: number) => RawBuilder<unknown>

const CHARGES_SOURCE = 1
const REFUNDS_SOURCE = 2

/** Booking payments: charges once paid (whatever became of them since: refunds are their own rows). */
const chargeMovements: MovementSource = (filter, limit) => {
  const where = movementConditions(
    filter,
    { at: sql`c.paid_at`, id: sql`c.id`, kind: sql`'booking_payment'`, currency: sql`c.currency` },
    CHARGES_SOURCE,
  )
  const rows = sql`
    select c.paid_at as at, 'in'::text as direction, 'booking_payment'::text as kind, c.amount_cents,
      c.currency::text as currency, c.status, 'booking'::text as subject_type, c.booking_id as subject_id,
      'stripe'::text as provider, c.payment_intent_id as provider_ref, ${sql.lit(CHARGES_SOURCE)} as source, c.id
    from charges c
    where c.paid_at is not null and ${where}`
  return limit === undefined ? rows : sql`${rows} order by c.paid_at desc, c.id desc limit ${limit}`
}

/** Booking refunds, in any state (only succeeded ones when settled). */
const refundMovements: MovementSource = (filter, limit) => {
  const where = movementConditions(
    filter,
    { at: sql`r.created_at`, id: sql`r.id`, kind: sql`'booking_refund'`, currency: sql`r.currency` },
    REFUNDS_SOURCE,
  )
  const settled = filter.settled ? sql`and r.status = 'succeeded'` : sql``
  const rows = sql`
    select r.created_at as at, 'out'::text as direction, 'booking_refund'::text as kind, r.amount_cents,
      r.currency::text as currency, r.status, 'booking'::text as subject_type, r.booking_id as subject_id,
      'stripe'::text as provider, r.stripe_refund_id as provider_ref, ${sql.lit(REFUNDS_SOURCE)} as source, r.id
    from refunds r
    where ${where} ${settled}`
  return limit === undefined ? rows : sql`${rows} order by r.created_at desc, r.id desc limit ${limit}`
}

const columns = sql`m.at, m.direction, m.kind, m.amount_cents::text as amount_cents, m.currency, m.status,
  m.subject_type, m.subject_id, m.provider, m.provider_ref, m.source, m.id, ${atMicros(sql`m.at`)} as at_micros`

interface Source {
  kinds: readonly string[]
  movements: MovementSource
}

export interface LedgerTotal {
  kind: LedgerKind
  direction: 'in' | 'out'
  currency: string
  total_cents: string
  count: number
}

export function createLedgerRepository(db: BillingDb, payouts: LedgerSource) {
  const sources: Source[] = [
    { kinds: ['booking_payment'], movements: chargeMovements },
    { kinds: ['booking_refund'], movements: refundMovements },
    payouts,
  ]
  const dayTotals = [billingDayTotals, payouts.dayTotals]

  /** Every source that may have movements of the kind asked for. */
  function sourcesOf(filter: LedgerFilter): Source[] {
    const kind = filter.kind
    const some = sources.filter((source) => kind === undefined || source.kinds.includes(kind))
    return some.length > 0 ? some : sources
  }

  /** Every source's rows (the newest `limit` of each when given), as one union. */
  function union(filter: LedgerFilter, limit?: number) {
    return sql.join(
      sourcesOf(filter).map((source) => sql`(${source.movements(filter, limit)})`),
      sql` union all `,
    )
  }

  /** The `limit` movements after the first `offset`, newest first, merged from each source's newest. */
  async function rowsOf(filter: LedgerFilter, limit: number, offset: number): Promise<MovementRow[]> {
    // The columns are computed for the page's rows only, not for the `offset` rows skipped before them.
    const result = await sql<MovementRow>`
      select ${columns} from (
        select * from (${union(filter, offset + limit)}) u
        order by u.at desc, u.id desc, u.source desc
        limit ${limit} offset ${offset}) m
      order by m.at desc, m.id desc, m.source desc`.execute(db)
    return result.rows
  }

  /**
   * The filter's range, the business time zone's days from `from` to `to` (both inclusive), as
   * instants, cut into the whole UTC days read from day totals and the edges read from movements.
   */
  async function spanOfFilter(filter: LedgerFilter) {
    if (filter.from === undefined && filter.to === undefined) return spanOf(undefined, undefined)
    const result = await sql<{ since: Date | null; before: Date | null }>`
      select (${filter.from ?? null}::date)::timestamp at time zone ${filter.timeZone} as since,
        (${filter.to ?? null}::date + 1)::timestamp at time zone ${filter.timeZone} as before`.execute(db)
    const bounds = result.rows[0]
    return spanOf(bounds?.since ?? undefined, bounds?.before ?? undefined)
  }

  /**
   * Rows of (kind, direction, currency, movements, amount_cents) whose sums are the filter's totals:
   * the day totals of the whole days, and the movements of the edges, grouped.
   */
  async function parts(filter: LedgerFilter, settled: boolean) {
    const span = await spanOfFilter(filter)
    const days: DayTotalsFilter = { ...span.days, kind: filter.kind, currency: filter.currency, settled }
    const edges = span.edges.map(
      (edge) => sql`
        select m.kind, m.direction, m.currency, count(*)::bigint as movements, sum(m.amount_cents)::bigint as amount_cents
        from (${union({ ...filter, from: undefined, to: undefined, ...edge, settled })}) m
        group by m.kind, m.direction, m.currency`,
    )
    const totals = span.days ? dayTotals.map((source) => source(days)) : []
    const all = [...totals, ...edges]
    if (all.length === 0) {
      return sql`select null::text as kind, null::text as direction, null::text as currency,
        0::bigint as movements, 0::bigint as amount_cents where false`
    }
    return sql.join(
      all.map((part) => sql`(${part})`),
      sql` union all `,
    )
  }

  /**
   * One page, newest first (after `filter.after` when given), and how many movements match the filter
   * as a whole (wherever the page starts).
   */
  async function page(
    filter: LedgerFilter,
    window: { limit: number; offset: number },
  ): Promise<{ count: number; rows: MovementRow[] }> {
    const count = async () => {
      const all = { ...filter, after: undefined }
      const result = await sql<{ count: number }>`
        select coalesce(sum(p.movements), 0)::int as count from (${await parts(all, false)}) p`.execute(db)
      return result.rows[0]?.count ?? 0
    }
    const [total, rows] = await Promise.all([count(), rowsOf(filter, window.limit, window.offset)])
    return { count: total, rows }
  }

  /** The `size` movements after `after` (from the newest when absent): the CSV export's batches. */
  async function batch(filter: LedgerFilter, size: number, after?: MovementKey): Promise<MovementRow[]> {
    return rowsOf({ ...filter, after: after ?? filter.after }, size, 0)
  }

  /** Settled money in and out, by kind, direction and currency, summed in SQL. */
  async function totals(filter: LedgerFilter): Promise<LedgerTotal[]> {
    const result = await sql<LedgerTotal>`
      select p.kind, p.direction, p.currency, sum(p.amount_cents)::text as total_cents,
        sum(p.movements)::int as count
      from (${await parts(filter, true)}) p
      where ${filter.kind === undefined ? sql`true` : sql`p.kind = ${filter.kind}`}
      group by p.kind, p.direction, p.currency
      having sum(p.movements) <> 0
      order by p.currency, p.direction, p.kind`.execute(db)
    return result.rows
  }

  /** Counts and sums of every movement straight from the movements, for checking the day totals. */
  async function recount(filter: LedgerFilter, settled: boolean): Promise<LedgerTotal[]> {
    const result = await sql<LedgerTotal>`
      select m.kind, m.direction, m.currency, sum(m.amount_cents)::text as total_cents, count(*)::int as count
      from (${union({ ...filter, settled })}) m
      group by m.kind, m.direction, m.currency
      order by m.currency, m.direction, m.kind`.execute(db)
    return result.rows
  }

  return { page, batch, totals, recount }
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>
