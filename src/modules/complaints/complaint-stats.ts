import { sql } from 'kysely'
import { formatCents } from '../../platform/validation/money.ts'
import type { ComplaintsDb } from './complaints.repository.ts'

/** Complaints filed in one month (business time zone). Months with none are absent. */
export interface ComplaintsFigures {
  /** YYYY-MM */
  month: string
  filed: number
  /** By their status now. */
  approved: number
  rejected: number
  pending: number
  /** The amounts asked, as a decimal string. */
  amount_asked: string
  /** Hours from filing to decision (linear interpolation), 2 places; null when none was decided. */
  median_hours_to_decision: string | null
  p90_hours_to_decision: string | null
  /** The month's approved complaints: only these can have had their refund paid out. */
  approved_ids: number[]
}

type MonthRow = Omit<ComplaintsFigures, 'amount_asked'> & { amount_asked_cents: string }

/**
 * The complaints filed between `from` and `to` (whole days in the business time zone), month by
 * month: each month is its own index range of `complaints_stats_idx` and its own aggregate, so no
 * month's rows are sorted with another's (one grouping over the whole range sorted every row of it,
 * on disk for a year). Months with no complaint are left out.
 */
export async function complaintsByMonth(
  db: ComplaintsDb,
  range: { from: string; to: string; timeZone: string },
): Promise<ComplaintsFigures[]> {
  const hours = sql`extract(epoch from decided_at - created_at) / 3600`
  const decided = sql`filter (where decided_at is not null)`
  const { rows } = await sql<MonthRow>`
    select to_char(m, 'YYYY-MM') as month, c.filed, c.approved, c.rejected, c.pending, c.amount_asked_cents,
      round(c.hours[1]::numeric, 2)::text as median_hours_to_decision,
      round(c.hours[2]::numeric, 2)::text as p90_hours_to_decision, c.approved_ids
    from
    generate_series(date_trunc('month', ${range.from}::date::timestamp), ${range.to}::date::timestamp,
      interval '1 month') as m
    cross join lateral (
      select count(*)::int as filed,
        count(*) filter (where status = 'approved')::int as approved,
        count(*) filter (where status = 'rejected')::int as rejected,
        count(*) filter (where status = 'pending')::int as pending,
        (coalesce(sum(amount), 0) * 100)::bigint::text as amount_asked_cents,
        percentile_cont(array[0.5, 0.9]) within group (order by ${hours}) ${decided} as hours,
        coalesce(array_agg(id order by id) filter (where status = 'approved'), '{}') as approved_ids
      from complaints
      where created_at >= greatest(m, ${range.from}::date::timestamp) at time zone ${range.timeZone}
        and created_at < least(m + interval '1 month', (${range.to}::date + 1)::timestamp) at time zone ${range.timeZone}
    ) as c
    where c.filed > 0`.execute(db)
  return rows.map(({ amount_asked_cents, ...row }) => ({
    ...row,
    amount_asked: formatCents(BigInt(amount_asked_cents)),
  }))
}

/** Complaints waiting for an approver. */
export async function pendingComplaints(db: ComplaintsDb): Promise<number> {
  const row = await db
    .selectFrom('complaints')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return row.count
}
