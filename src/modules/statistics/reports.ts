import type { AuthModule } from '../auth/index.ts'
import type { BookingStats } from '../bookings/index.ts'
import type { CompaniesModule } from '../companies/index.ts'
import type { ComplaintStats } from '../complaints/index.ts'
import { PAYOUT_PROVIDERS, PAYOUT_PURPOSES, PAYOUT_STATUSES, type PayoutStats } from '../payouts/index.ts'
import { PAYMENT_STATUSES, type PaymentStats } from '../supplier-payments/index.ts'
import { monthsOf, type DateRange } from './date-range.ts'
import type { OverviewReport } from './statistics.schemas.ts'

/**
 * Where the figures come from: each module answers for its own tables (through its index); this module
 * only combines them, fills the months and keys with nothing with zeros, and orders the rows.
 */
export interface Sources {
  payments: PaymentStats
  complaints: ComplaintStats
  bookings: BookingStats
  payouts: PayoutStats
  users: AuthModule['api']['stats']
  companies: CompaniesModule['api']['stats']
}

const FAILURE_REASONS = 5

/** Payables by month of due date, then status in the order A, U, PC, AN, D. */
export async function payablesReport(sources: Sources, range: DateRange, supplier: number | undefined) {
  const figures = await sources.payments.payablesByMonth(range, supplier)
  const found = new Map(figures.map((row) => [`${row.month} ${row.status}`, row]))
  const rows = monthsOf(range).flatMap((month) =>
    PAYMENT_STATUSES.map(
      (status) =>
        found.get(`${month} ${status}`) ?? {
          month,
          status,
          count: 0,
          total: '0.00',
          new_value: '0.00',
          discount: '0.00',
          avg_days: '0.00',
          effective_annual_rate: '0.0000',
        },
    ),
  )
  return { ...range, supplier: supplier ?? null, rows }
}

/** Complaints by month filed, with what their refunds paid out. */
export async function complaintsReport(sources: Sources, range: DateRange) {
  const figures = await sources.complaints.complaintsByMonth(range)
  const found = new Map(figures.map((row) => [row.month, row]))
  const rows = monthsOf(range).map((month) => {
    const row = found.get(month)
    return {
      month,
      filed: row?.filed ?? 0,
      approved: row?.approved ?? 0,
      rejected: row?.rejected ?? 0,
      pending: row?.pending ?? 0,
      amount_asked: row?.amount_asked ?? '0.00',
      amount_refunded: row?.amount_refunded ?? '0.00',
      median_hours_to_decision: row?.median_hours_to_decision ?? null,
      p90_hours_to_decision: row?.p90_hours_to_decision ?? null,
    }
  })
  return { ...range, rows }
}

/** part ÷ whole as a decimal string with 4 places, rounded half up; 0.0000 when whole is 0. */
export function ratio(part: number, whole: number): string {
  if (whole <= 0) return '0.0000'
  // Integers below 2^53 divide exactly enough in doubles for the floor to be the integer quotient.
  const tenThousandths =
    part * 20_000 + whole <= Number.MAX_SAFE_INTEGER
      ? Math.floor((part * 20_000 + whole) / (2 * whole))
      : Number((BigInt(part) * 20_000n + BigInt(whole)) / (2n * BigInt(whole)))
  return `${Math.floor(tenThousandths / 10_000)}.${String(tenThousandths % 10_000).padStart(4, '0')}`
}

/** Payouts by month, purpose, provider and status (every combination), and the top failure reasons. */
export async function payoutsReport(sources: Sources, range: DateRange) {
  const [figures, failureReasons] = await Promise.all([
    sources.payouts.payoutsByMonth(range),
    sources.payouts.failureReasons(range, FAILURE_REASONS),
  ])
  const key = (row: { month: string; purpose: string; provider: string; status: string }) =>
    `${row.month} ${row.purpose} ${row.provider} ${row.status}`
  const found = new Map(figures.map((row) => [key(row), row]))
  const rows = monthsOf(range).flatMap((month) =>
    PAYOUT_PURPOSES.flatMap((purpose) =>
      PAYOUT_PROVIDERS.flatMap((provider) =>
        PAYOUT_STATUSES.map((status) => {
          const row = found.get(key({ month, purpose, provider, status }))
          return { month, purpose, provider, status, count: row?.count ?? 0, amount: row?.amount ?? '0.00' }
        }),
      ),
    ),
  )
  return { ...range, failure_reasons: failureReasons, rows }
}

/** Who uses the back office and what waits for a person, now. */
export async function overviewReport(sources: Sources): Promise<OverviewReport> {
  const [users, companies, suppliers, pendingComplaints, pendingAnticipations, payouts] = await Promise.all([
    sources.users.activeUsersByRole(),
    sources.companies.companies(),
    sources.payments.suppliers(),
    sources.complaints.pending(),
    sources.payments.pendingAnticipations(),
    sources.payouts.waiting(),
  ])
  return {
    users: users.users,
    users_by_role: users.byRole,
    companies,
    suppliers,
    waiting: {
      pending_complaints: pendingComplaints,
      pending_anticipations: pendingAnticipations,
      payouts_awaiting_approval: payouts.awaitingApproval,
      failed_payouts: payouts.failed,
    },
  }
}

/** The overview as rows of a table (for CSV): one figure per row. */
export function overviewRows(overview: OverviewReport): { figure: string; value: number }[] {
  return [
    { figure: 'users', value: overview.users },
    ...Object.entries(overview.users_by_role).map(([role, value]) => ({ figure: `users_${role}`, value })),
    { figure: 'companies', value: overview.companies },
    { figure: 'suppliers', value: overview.suppliers },
    ...Object.entries(overview.waiting).map(([figure, value]) => ({ figure, value })),
  ]
}
