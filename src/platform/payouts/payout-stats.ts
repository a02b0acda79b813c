import { sql } from 'kysely'
import { rollupByMonth } from '../database/business-days.ts'
import type { Db } from '../database/database.ts'
import { formatCents } from '../validation/money.ts'
import type { PayoutPurpose, PayoutStatus } from './payouts.repository.ts'

/** A range of whole days in the business time zone, both included. */
export interface DayRange {
  from: string
  to: string
}

export const PAYOUT_PROVIDERS = ['manual', 'wise'] as const

/** Payouts created in one month (business time zone) with one purpose, provider and status now. */
export interface PayoutFigures {
  month: string
  purpose: PayoutPurpose
  provider: (typeof PAYOUT_PROVIDERS)[number]
  status: PayoutStatus
  count: number
  amount: string
}

/**
 * Payouts by month created (business time zone), purpose, provider and status; combinations with none
 * are absent. From the roll-up by business day the payouts' triggers keep (`payout_stats`, migration
 * 0025): whole months as kept, the days of a month the range cuts summed.
 */
export async function payoutsByMonth(db: Db, range: DayRange): Promise<PayoutFigures[]> {
  const rollup = rollupByMonth('payout_stats', ['purpose', 'provider', 'status', 'payouts', 'amount'], range)
  const { rows } = await sql<Omit<PayoutFigures, 'amount'> & { amount_cents: string }>`
    select to_char(month, 'YYYY-MM') as month, purpose, provider, status, sum(payouts)::int as count,
      (sum(amount) * 100)::bigint::text as amount_cents
    from (${rollup}) as r
    group by month, purpose, provider, status
    having sum(payouts) <> 0`.execute(db)
  return rows.map(({ amount_cents, ...row }) => ({ ...row, amount: formatCents(BigInt(amount_cents)) }))
}

/** The most common reasons of the failed payouts created in the range, most frequent first. */
export async function failureReasons(
  db: Db,
  range: DayRange,
  limit: number,
): Promise<{ reason: string; count: number }[]> {
  const rollup = rollupByMonth('payout_stats', ['status', 'failure_reason', 'payouts'], range)
  const { rows } = await sql<{ reason: string; count: number }>`
    select failure_reason as reason, sum(payouts)::int as count
    from (${rollup}) as r where status = 'failed'
    group by 1 having sum(payouts) > 0 order by 2 desc, 1 limit ${limit}`.execute(db)
  return rows
}

/** Payouts waiting for an approval (pending, prepared) and failed ones, each from the status index. */
export async function waitingPayouts(db: Db): Promise<{ awaitingApproval: number; failed: number }> {
  const { rows } = await sql<{ awaiting_approval: number; failed: number }>`
    select (select count(*) from payouts where status in ('pending', 'prepared'))::int as awaiting_approval,
      (select count(*) from payouts where status = 'failed')::int as failed`.execute(db)
  const row = rows[0]
  return { awaitingApproval: row?.awaiting_approval ?? 0, failed: row?.failed ?? 0 }
}
