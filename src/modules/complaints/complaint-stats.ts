import { sql } from 'kysely'
import { rollupByMonth } from '../../platform/database/business-days.ts'
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
  /** What their refunds paid out (funded or completed), as a decimal string. */
  amount_refunded: string
  /** Hours from filing to decision (linear interpolation), 2 places; null when none was decided. */
  median_hours_to_decision: string | null
  p90_hours_to_decision: string | null
}

type Range = { from: string; to: string; timeZone: string }
type CountsRow = Omit<
  ComplaintsFigures,
  'amount_asked' | 'amount_refunded' | `${string}_hours_to_decision`
> & {
  asked_cents: string
  refunded_cents: string
}
type HoursRow = { month: string; median: string; p90: string }

/**
 * The complaints filed between `from` and `to` (whole days in the business time zone), by month: the
 * counts and amounts from the roll-up by business day the triggers keep (`complaint_stats`, migration
 * 0025), the hours to decision from the percentiles they keep by month.
 */
export async function complaintsByMonth(db: ComplaintsDb, range: Range): Promise<ComplaintsFigures[]> {
  const [counts, hours] = await Promise.all([countsByMonth(db, range), hoursToDecision(db, range)])
  const decided = new Map(hours.map((row) => [row.month, row]))
  return counts.map(({ asked_cents, refunded_cents, ...row }) => ({
    ...row,
    amount_asked: formatCents(BigInt(asked_cents)),
    amount_refunded: formatCents(BigInt(refunded_cents)),
    median_hours_to_decision: decided.get(row.month)?.median ?? null,
    p90_hours_to_decision: decided.get(row.month)?.p90 ?? null,
  }))
}

async function countsByMonth(db: ComplaintsDb, range: Range): Promise<CountsRow[]> {
  const columns = ['status', 'complaints', 'amount_asked', 'amount_refunded']
  const of = (status: string) =>
    sql`coalesce(sum(complaints) filter (where status = ${sql.lit(status)}), 0)::int`
  const { rows } = await sql<CountsRow>`
    select to_char(month, 'YYYY-MM') as month, sum(complaints)::int as filed, ${of('approved')} as approved,
      ${of('rejected')} as rejected, ${of('pending')} as pending,
      (sum(amount_asked) * 100)::bigint::text as asked_cents,
      (sum(amount_refunded) * 100)::bigint::text as refunded_cents
    from (${rollupByMonth('complaint_stats', columns, range)}) as r
    group by month having sum(complaints) > 0`.execute(db)
  return rows
}

/**
 * Median and 90th percentile of hours to decision by month: whole months as the triggers keep them
 * (`complaint_decision_months`), a month the range cuts (at most the first and the last) from its
 * decided complaints in the range, through `complaints_decided_idx`.
 */
async function hoursToDecision(db: ComplaintsDb, range: Range): Promise<HoursRow[]> {
  const firstWholeMonth = sql`(date_trunc('month', (${range.from}::date - 1)::timestamp) + interval '1 month')::date`
  const afterWholeMonths = sql`date_trunc('month', (${range.to}::date + 1)::timestamp)::date`
  const hours = sql`extract(epoch from decided_at - created_at) / 3600`
  const { rows } = await sql<HoursRow>`
    select to_char(month, 'YYYY-MM') as month, round(hours[1]::numeric, 2)::text as median,
      round(hours[2]::numeric, 2)::text as p90
    from (
      select month, hours from complaint_decision_months
      where month >= ${firstWholeMonth} and month < ${afterWholeMonths}
      union all
      select m::date, c.hours
      from generate_series(date_trunc('month', ${range.from}::date::timestamp), ${range.to}::date::timestamp,
        interval '1 month') as m
      cross join lateral (
        select percentile_cont(array[0.5, 0.9]) within group (order by ${hours}) as hours
        from complaints
        where decided_at is not null
          and created_at >= greatest(m, ${range.from}::date::timestamp) at time zone ${range.timeZone}
          and created_at < least(m + interval '1 month', (${range.to}::date + 1)::timestamp) at time zone ${range.timeZone}
      ) as c
      where (m < ${firstWholeMonth} or m >= ${afterWholeMonths}) and c.hours is not null
    ) as months`.execute(db)
  return rows
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
