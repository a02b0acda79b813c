import { sql, type RawBuilder } from 'kysely'
import type { BillingDb } from './billing.repository.ts'

/*
 * The ledger: every movement of money, in (booking payments) and out (booking refunds, and the
 * payouts module's complaint refunds and early payments), as one union read newest first. Each source
 * reads its own index on its date and id; amounts stay integer cents, and sums are done in SQL.
 */

export const LEDGER_KINDS = [
  'booking_payment',
  'booking_refund',
  'complaint_refund',
  'early_payment',
] as const
export type LedgerKind = (typeof LEDGER_KINDS)[number]

export interface LedgerFilter {
  /** Calendar dates, both inclusive, in `timeZone`. */
  from?: string | undefined
  to?: string | undefined
  kind?: LedgerKind | undefined
  currency?: string | undefined
  timeZone: string
}

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
}

/** Where a page of the CSV export stopped: the last row's sort key. */
export interface LedgerCursor {
  at: Date
  id: number
  source: number
}

/** Billing's own movements, then the payouts' (given by the payouts module). */
function movements(payouts: RawBuilder<unknown>) {
  return sql`(
    select c.paid_at as at, 'in'::text as direction, 'booking_payment'::text as kind, c.amount_cents,
      c.currency::text as currency, c.status, 'booking'::text as subject_type, c.booking_id as subject_id,
      'stripe'::text as provider, c.payment_intent_id as provider_ref, 1 as source, c.id, true as settled
    from charges c
    where c.paid_at is not null
    union all
    select r.created_at, 'out'::text, 'booking_refund'::text, r.amount_cents, r.currency::text, r.status,
      'booking'::text, r.booking_id, 'stripe'::text, r.stripe_refund_id, 2, r.id, r.status = 'succeeded'
    from refunds r
    union all
    ${payouts}
  )`
}

function conditions(filter: LedgerFilter, after?: LedgerCursor) {
  const parts = [sql`true`]
  if (filter.from !== undefined) {
    parts.push(sql`m.at >= (${filter.from}::date)::timestamp at time zone ${filter.timeZone}`)
  }
  if (filter.to !== undefined) {
    parts.push(sql`m.at < (${filter.to}::date + 1)::timestamp at time zone ${filter.timeZone}`)
  }
  if (filter.kind !== undefined) parts.push(sql`m.kind = ${filter.kind}`)
  if (filter.currency !== undefined) parts.push(sql`m.currency = ${filter.currency}`)
  if (after) {
    // `at <= …` alone bounds each source's index scan; the rest breaks ties exactly.
    parts.push(sql`m.at <= ${after.at}`)
    parts.push(
      sql`(m.at < ${after.at} or m.id < ${after.id} or (m.id = ${after.id} and m.source < ${after.source}))`,
    )
  }
  return sql.join(parts, sql` and `)
}

const columns = sql`m.at, m.direction, m.kind, m.amount_cents::text as amount_cents, m.currency, m.status,
  m.subject_type, m.subject_id, m.provider, m.provider_ref, m.source, m.id`
const newestFirst = sql`order by m.at desc, m.id desc, m.source desc`

export function createLedgerRepository(db: BillingDb, payouts: () => RawBuilder<unknown>) {
  /** One page, newest first, and how many movements match. */
  async function page(
    filter: LedgerFilter,
    window: { limit: number; offset: number },
  ): Promise<{ count: number; rows: MovementRow[] }> {
    const where = conditions(filter)
    const [count, rows] = await Promise.all([
      sql<{
        count: number
      }>`select count(*)::int as count from ${movements(payouts())} m where ${where}`.execute(db),
      sql<MovementRow>`
        select ${columns} from ${movements(payouts())} m where ${where}
        ${newestFirst} limit ${window.limit} offset ${window.offset}`.execute(db),
    ])
    return { count: count.rows[0]?.count ?? 0, rows: rows.rows }
  }

  /** The `size` movements after `cursor` (from the newest when absent): the CSV export's batches. */
  async function batch(filter: LedgerFilter, size: number, cursor?: LedgerCursor): Promise<MovementRow[]> {
    const result = await sql<MovementRow>`
      select ${columns} from ${movements(payouts())} m where ${conditions(filter, cursor)}
      ${newestFirst} limit ${size}`.execute(db)
    return result.rows
  }

  /** Settled money in and out, by kind, direction and currency, summed in SQL. */
  async function totals(filter: LedgerFilter) {
    const result = await sql<{
      kind: LedgerKind
      direction: 'in' | 'out'
      currency: string
      total_cents: string
      count: number
    }>`
      select m.kind, m.direction, m.currency, sum(m.amount_cents)::text as total_cents, count(*)::int as count
      from ${movements(payouts())} m
      where m.settled and ${conditions(filter)}
      group by m.kind, m.direction, m.currency
      order by m.currency, m.direction, m.kind`.execute(db)
    return result.rows
  }

  return { page, batch, totals }
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>
