import { sql, type RawBuilder } from 'kysely'
import {
  totalsRows,
  movementConditions,
  type DayTotalsFilter,
  type LedgerSource,
  type MovementFilter,
} from '../ledger/movements.ts'
import { MONTH_TOTALS } from '../ledger/day-totals-fold.ts'
import { PAYOUT_PURPOSES } from './payouts.repository.ts'

/** Which source payouts are in a ledger: it orders movements of equal `at` and `id`. */
export const PAYOUTS_SOURCE = 3

/**
 * Payouts as movements of money out, for a ledger that merges them with other modules' movements.
 * The columns every source gives, in this order:
 *
 *   at, direction, kind, amount_cents (bigint), currency, status, subject_type, subject_id, provider,
 *   provider_ref, source, id
 *
 * The subject of a payout is what it pays: a complaint's refund or an anticipation's early payment.
 * With `limit`, the newest `limit` matching payouts, read in the order of the index on
 * (created_at desc, id desc); without, every matching one (for counts and sums).
 */
export function payoutMovements(filter: MovementFilter, limit?: number): RawBuilder<unknown> {
  const where = movementConditions(
    filter,
    { at: sql`p.created_at`, id: sql`p.id`, kind: sql`p.purpose`, currency: sql`p.currency` },
    PAYOUTS_SOURCE,
  )
  const settled = filter.settled ? sql`and p.status in ('funded', 'completed')` : sql``
  const rows = sql`
    select p.created_at as at, 'out'::text as direction, p.purpose::text as kind,
      (p.amount * 100)::bigint as amount_cents, p.currency::text as currency, p.status::text as status,
      (case p.purpose when 'complaint_refund' then 'complaint' else 'anticipation' end)::text as subject_type,
      p.subject_id, p.provider::text as provider,
      coalesce(p.provider_transfer_id, p.reference) as provider_ref, ${sql.lit(PAYOUTS_SOURCE)} as source, p.id
    from payouts p
    where ${where} ${settled}`
  return limit === undefined ? rows : sql`${rows} order by p.created_at desc, p.id desc limit ${limit}`
}

/**
 * Payouts' totals by UTC day of `created_at`, purpose, currency and status, kept by the triggers on
 * `payouts` (migration 0024): rows of (kind, direction, currency, movements, amount_cents), not
 * grouped (the ledger sums them as it needs).
 */
export function payoutDayTotals(filter: DayTotalsFilter): RawBuilder<unknown> {
  const settled = filter.settled ? sql`where t.status in ('funded', 'completed')` : sql``
  return sql`
    select t.kind, 'out'::text as direction, t.currency, t.movements, t.amount_cents
    from (${totalsRows(PAYOUT_TOTALS, filter)}) t
    ${settled}`
}

const PAYOUT_TOTALS = { days: 'payout_day_totals', months: MONTH_TOTALS.payout_day_totals }

/** Payouts as a ledger's source of movements. */
export const payoutLedgerSource: LedgerSource = {
  kinds: PAYOUT_PURPOSES,
  movements: payoutMovements,
  dayTotals: payoutDayTotals,
}
