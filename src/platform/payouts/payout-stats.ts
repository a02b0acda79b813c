import { sql } from 'kysely'
import type { Db } from '../database/database.ts'
import { formatCents } from '../validation/money.ts'
import type { PayoutPurpose, PayoutStatus, PayoutsTables } from './payouts.repository.ts'

/** A range of whole days in the business time zone. */
export interface DayRange {
  from: string
  to: string
  timeZone: string
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

const createdIn = (range: DayRange) =>
  sql`created_at >= ${range.from}::date::timestamp at time zone ${range.timeZone}
    and created_at < (${range.to}::date + 1)::timestamp at time zone ${range.timeZone}`

/**
 * Payouts by month created (business time zone), purpose, provider and status; combinations with none
 * are absent. Month by month: each month is its own index range of `payouts_stats_idx` and its own
 * small grouping, rather than one sort of every payout of the range.
 */
export async function payoutsByMonth(db: Db, range: DayRange): Promise<PayoutFigures[]> {
  const { rows } = await sql<Omit<PayoutFigures, 'amount'> & { amount_cents: string }>`
    select to_char(m, 'YYYY-MM') as month, p.purpose, p.provider, p.status, p.count, p.amount_cents
    from generate_series(date_trunc('month', ${range.from}::date::timestamp), ${range.to}::date::timestamp,
      interval '1 month') as m
    cross join lateral (
      select purpose, provider, status, count(*)::int as count, (sum(amount) * 100)::bigint::text as amount_cents
      from payouts
      where created_at >= greatest(m, ${range.from}::date::timestamp) at time zone ${range.timeZone}
        and created_at < least(m + interval '1 month', (${range.to}::date + 1)::timestamp) at time zone ${range.timeZone}
      group by 1, 2, 3
    ) as p`.execute(db.$extendTables<PayoutsTables>())
  return rows.map(({ amount_cents, ...row }) => ({ ...row, amount: formatCents(BigInt(amount_cents)) }))
}

/** The most common reasons of the failed payouts created in the range, most frequent first. */
export async function failureReasons(
  db: Db,
  range: DayRange,
  limit: number,
): Promise<{ reason: string; count: number }[]> {
  const { rows } = await sql<{ reason: string; count: number }>`
    select failure_reason as reason, count(*)::int as count
    from payouts where status = 'failed' and ${createdIn(range)}
    group by 1 order by 2 desc, 1 limit ${limit}`.execute(db)
  return rows
}

/**
 * What was paid out (funded or completed) to refund each group of complaints, by group: the groups'
 * ids are joined to the payouts in the database, and only the sums come back.
 */
export async function refundedByGroup(
  db: Db,
  groups: { key: string; complaintIds: number[] }[],
): Promise<Map<string, string>> {
  const ids = groups.flatMap((group) => group.complaintIds)
  const keys = groups.flatMap((group) => group.complaintIds.map(() => group.key))
  if (ids.length === 0) return new Map()
  const { rows } = await sql<{ key: string; amount_cents: string }>`
    select g.key, (sum(p.amount) * 100)::bigint::text as amount_cents
    from unnest(${ids}::bigint[], ${keys}::text[]) as g(id, key)
    join payouts p on p.purpose = 'complaint_refund' and p.subject_id = g.id
    where p.status in ('funded', 'completed')
    group by 1`.execute(db)
  return new Map(rows.map((row) => [row.key, formatCents(BigInt(row.amount_cents))]))
}

/** Payouts waiting for an approval (pending, prepared) and failed ones, each from the status index. */
export async function waitingPayouts(db: Db): Promise<{ awaitingApproval: number; failed: number }> {
  const { rows } = await sql<{ awaiting_approval: number; failed: number }>`
    select (select count(*) from payouts where status in ('pending', 'prepared'))::int as awaiting_approval,
      (select count(*) from payouts where status = 'failed')::int as failed`.execute(db)
  const row = rows[0]
  return { awaitingApproval: row?.awaiting_approval ?? 0, failed: row?.failed ?? 0 }
}
