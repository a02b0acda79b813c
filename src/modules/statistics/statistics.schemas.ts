import { Type, type Static, type TProperties } from 'typebox'

const DateText = (description: string, example: string) =>
  Type.Optional(Type.String({ maxLength: 20, description, examples: [example] }))
const Format = Type.Optional(
  Type.Union([Type.Literal('json'), Type.Literal('csv')], {
    description: '`csv` for the same rows as CSV (a header line, then one line per row); JSON otherwise.',
    examples: ['csv'],
  }),
)

const RangeQuery = {
  from: DateText(
    'First day, YYYY-MM-DD, inclusive (default: the first of the month 11 months ago).',
    '2026-01-01',
  ),
  to: DateText('Last day, YYYY-MM-DD, inclusive (default: today); at most 5 years after from.', '2026-12-31'),
  format: Format,
}

export const StatsQuery = Type.Object(RangeQuery, { additionalProperties: false })
export type StatsQuery = Static<typeof StatsQuery>

export const PayablesQuery = Type.Object(
  {
    ...RangeQuery,
    supplier: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2147483647,
        description: 'One supplier’s payables (a supplier’s user always gets their own).',
      }),
    ),
  },
  { additionalProperties: false },
)
export type PayablesQuery = Static<typeof PayablesQuery>

/** Hotels on a page of the bookings report when `page_size` is not given. */
export const HOTELS_PER_PAGE = 10

export const BookingsQuery = Type.Object(
  {
    ...RangeQuery,
    hotel: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 9007199254740991,
        description: 'One hotel’s rows only (no rows for a hotel that does not exist).',
      }),
    ),
    page: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Page of hotels, from 1 (JSON only).' }),
    ),
    page_size: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description: `Hotels per page (default ${HOTELS_PER_PAGE}), each with every month of the range (JSON only).`,
      }),
    ),
  },
  { additionalProperties: false },
)
export type BookingsQuery = Static<typeof BookingsQuery>

export const FormatQuery = Type.Object({ format: Format }, { additionalProperties: false })
export type FormatQuery = Static<typeof FormatQuery>

const Month = Type.String({ description: 'YYYY-MM', examples: ['2026-03'] })
const Count = (description: string) => Type.Integer({ description, examples: [12] })
const Money = (description: string) => Type.String({ description, examples: ['1250.00'] })
const Ratio = (description: string) => Type.String({ description, examples: ['0.3651'] })
const Hours = (description: string) =>
  Type.Union([Type.String(), Type.Null()], { description, examples: ['26.50'] })

/** A report: its range and its rows, in order. */
function Report<T extends TProperties>(title: string, row: T, extra: TProperties = {}) {
  return Type.Object(
    {
      from: Type.String({ examples: ['2026-01-01'] }),
      to: Type.String({ examples: ['2026-12-31'] }),
      ...extra,
      rows: Type.Array(Type.Object(row)),
    },
    { title },
  )
}

export const PayablesRow = {
  month: Month,
  status: Type.String({ description: 'A, U, PC, AN or D, as derived today.', examples: ['AN'] }),
  count: Count('Payments due in the month in this status.'),
  total: Money('Their value.'),
  new_value: Money('AN only (else 0.00): what their anticipations paid instead.'),
  discount: Money('AN only: total − new_value, the discount earned.'),
  avg_days: Type.String({
    description: 'AN only: days paid early, on average (2 places).',
    examples: ['15.50'],
  }),
  effective_annual_rate: Ratio('AN only: d / (1 − d) × 365 / avg_days with d = discount / total.'),
}
export const PayablesReport = Report('PayablesReport', PayablesRow, {
  supplier: Type.Union([Type.Integer(), Type.Null()], { description: 'The supplier narrowed to, if any.' }),
})

export const ComplaintsRow = {
  month: Month,
  filed: Count('Complaints filed in the month (business time zone).'),
  approved: Count('Of those, approved now.'),
  rejected: Count('Of those, rejected now.'),
  pending: Count('Of those, still waiting for an approver.'),
  amount_asked: Money('The amounts asked.'),
  amount_refunded: Money('Refunds paid out (payouts funded or completed) for them.'),
  median_hours_to_decision: Hours('Median hours from filing to decision; null when none was decided.'),
  p90_hours_to_decision: Hours('90th percentile of the same.'),
}
export const ComplaintsReport = Report('ComplaintsReport', ComplaintsRow)

export const BookingsRow = {
  month: Month,
  hotel_id: Type.Integer({ examples: [1] }),
  hotel: Type.String({ description: 'The hotel’s name.', examples: ['Hotel Atlântico'] }),
  rooms: Count('Rooms of every type the hotel has now.'),
  nights_sold: Count('Nights of confirmed stays in the month (a stay across months counts in each).'),
  occupancy: Ratio('nights_sold ÷ (rooms × nights of the month in the range), 4 places.'),
  revenue: Money('Those nights at their booked price per night.'),
  cancellations: Count('Cancelled stays that were to start in the month.'),
}
const MonthTotalsRow = {
  month: BookingsRow.month,
  rooms: BookingsRow.rooms,
  nights_sold: BookingsRow.nights_sold,
  occupancy: BookingsRow.occupancy,
  revenue: BookingsRow.revenue,
  cancellations: BookingsRow.cancellations,
}
export const BookingsReport = Report('BookingsReport', BookingsRow, {
  count: Type.Integer({ description: 'Hotels in all (the rows are those of this page’s hotels).' }),
  next: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
    description: 'URL of the next page of hotels.',
  }),
  previous: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
    description: 'URL of the previous page of hotels.',
  }),
  totals: Type.Array(Type.Object(MonthTotalsRow), {
    description:
      'Every hotel together, one row per month of the range, whatever the page (rooms: every hotel’s rooms now).',
  }),
})

export const PayoutsRow = {
  month: Month,
  purpose: Type.String({ examples: ['complaint_refund'] }),
  provider: Type.String({ examples: ['manual'] }),
  status: Type.String({ description: 'The payout’s status now.', examples: ['completed'] }),
  count: Count('Payouts created in the month (business time zone).'),
  amount: Money('Their amount.'),
}
export const PayoutsReport = Report('PayoutsReport', PayoutsRow, {
  failure_reasons: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer() }), {
    description:
      'The most common reasons of the failed payouts of the range, most frequent first (at most 5).',
  }),
})

export const OverviewRow = {
  figure: Type.String({ examples: ['pending_complaints'] }),
  value: Type.Integer({ examples: [4] }),
}
export const OverviewReport = Type.Object(
  {
    users: Count('Active users.'),
    users_by_role: Type.Object(
      { admin: Type.Integer(), operator: Type.Integer(), approver: Type.Integer() },
      { description: 'Active users holding each role (a user may hold several, or none).' },
    ),
    companies: Count('Companies.'),
    suppliers: Count('Suppliers.'),
    waiting: Type.Object(
      {
        pending_complaints: Count('Complaints waiting for an approver.'),
        pending_anticipations: Count('Anticipations waiting for an operator (PC).'),
        payouts_awaiting_approval: Count('Payouts pending or prepared.'),
        failed_payouts: Count('Payouts that failed, waiting for a retry.'),
      },
      { description: 'Items waiting for a person.' },
    ),
  },
  { title: 'OverviewReport' },
)
export type OverviewReport = Static<typeof OverviewReport>
