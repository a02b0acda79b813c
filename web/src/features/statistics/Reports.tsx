import { useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { formatMoney, formatRate } from '../../ui/format'
import { Money } from '../../ui/Money'
import { amountOf, centsOf, monthsOf, seriesBy } from './chart-data'
import {
  useBookingStats,
  useComplaintStats,
  usePayables,
  usePayoutStats,
  type ComplaintsReport,
  type PayoutsReport,
  type Range,
} from './queries'
import { DatedReport } from './RangeForm'
import { monthColumn, ReportFrame } from './ReportFrame'

const PAYMENT_STATUSES: Record<string, string> = {
  A: 'Available',
  U: 'Unavailable',
  PC: 'Pending confirmation',
  AN: 'Anticipated',
  D: 'Denied',
}

const count = (value: number) => String(value)
const formatCents = (cents: number) => formatMoney(amountOf(cents))
const hours = (value: string | null) => (value === null ? '—' : `${value} h`)

export function PayablesReport({ range }: { range: Range }) {
  const report = usePayables(range)
  return (
    <DatedReport range={range} query={report}>
      {(data) => (
        <ReportFrame
          name="payables"
          title="Payables by due month"
          range={range}
          report={data}
          rowKey={(row) => `${row.month}-${row.status}`}
          shown={(row) => row.count > 0}
          chart={{
            description: 'The value of the payments due each month, one bar per status.',
            series: seriesBy(
              data.rows,
              monthsOf(data.rows),
              (row) => PAYMENT_STATUSES[row.status] ?? row.status,
              (row) => centsOf(row.total),
            ),
            format: formatCents,
          }}
          columns={[
            monthColumn(),
            { header: 'Status', cell: (row) => PAYMENT_STATUSES[row.status] ?? row.status },
            { header: 'Payments', numeric: true, cell: (row) => row.count },
            { header: 'Value', numeric: true, cell: (row) => <Money amount={row.total} /> },
            { header: 'Paid early', numeric: true, cell: (row) => <Money amount={row.new_value} /> },
            { header: 'Discount', numeric: true, cell: (row) => <Money amount={row.discount} /> },
            { header: 'Days early', numeric: true, cell: (row) => row.avg_days },
            { header: 'Annual rate', numeric: true, cell: (row) => formatRate(row.effective_annual_rate) },
          ]}
        />
      )}
    </DatedReport>
  )
}

export function ComplaintsStatsReport({ range }: { range: Range }) {
  const report = useComplaintStats(range)
  return (
    <DatedReport range={range} query={report}>
      {(data) => <ComplaintsView data={data} range={range} />}
    </DatedReport>
  )
}

function ComplaintsView({ data, range }: { data: ComplaintsReport; range: Range }) {
  const months = monthsOf(data.rows)
  const series = (name: string, value: (row: ComplaintsReport['rows'][number]) => number) => ({
    name,
    values: months
      .map((month) => data.rows.find((row) => row.month === month))
      .map((row) => (row ? value(row) : 0)),
  })
  return (
    <ReportFrame
      name="complaints"
      title="Complaints by month filed"
      range={range}
      report={data}
      rowKey={(row) => row.month}
      chart={{
        description: 'Complaints filed each month: approved, rejected and still pending.',
        series: [
          series('Approved', (row) => row.approved),
          series('Rejected', (row) => row.rejected),
          series('Pending', (row) => row.pending),
        ],
        format: count,
      }}
      columns={[
        monthColumn(),
        { header: 'Filed', numeric: true, cell: (row) => row.filed },
        { header: 'Approved', numeric: true, cell: (row) => row.approved },
        { header: 'Rejected', numeric: true, cell: (row) => row.rejected },
        { header: 'Pending', numeric: true, cell: (row) => row.pending },
        { header: 'Asked', numeric: true, cell: (row) => <Money amount={row.amount_asked} /> },
        { header: 'Refunded', numeric: true, cell: (row) => <Money amount={row.amount_refunded} /> },
        {
          header: 'Median time to decide',
          numeric: true,
          cell: (row) => hours(row.median_hours_to_decision),
        },
        { header: '90th percentile', numeric: true, cell: (row) => hours(row.p90_hours_to_decision) },
      ]}
    />
  )
}

export function BookingsReport({ range }: { range: Range }) {
  const page = pageFrom(useLocation().query)
  const report = useBookingStats(range, page)
  return (
    <DatedReport range={range} query={report}>
      {(data) => (
        <ReportFrame
          name="bookings"
          title="Bookings by hotel and month"
          range={range}
          report={data}
          rowKey={(row) => `${row.month}-${row.hotel_id}`}
          shown={(row) => row.nights_sold > 0 || row.cancellations > 0}
          chart={{
            description: 'Nights sold each month, over every hotel.',
            months: monthsOf(data.totals),
            series: seriesBy(
              data.totals,
              monthsOf(data.totals),
              () => 'Nights sold',
              (row) => row.nights_sold,
            ),
            format: count,
          }}
          after={<Pager page={page} list={{ ...data, results: data.rows }} />}
          columns={[
            monthColumn(),
            { header: 'Hotel', cell: (row) => row.hotel },
            { header: 'Rooms', numeric: true, cell: (row) => row.rooms },
            { header: 'Nights sold', numeric: true, cell: (row) => row.nights_sold },
            { header: 'Occupancy', numeric: true, cell: (row) => formatRate(row.occupancy) },
            { header: 'Revenue', numeric: true, cell: (row) => <Money amount={row.revenue} /> },
            { header: 'Cancellations', numeric: true, cell: (row) => row.cancellations },
          ]}
        />
      )}
    </DatedReport>
  )
}

export function PayoutsStatsReport({ range }: { range: Range }) {
  const report = usePayoutStats(range)
  return (
    <DatedReport range={range} query={report}>
      {(data) => <PayoutsView data={data} range={range} />}
    </DatedReport>
  )
}

const PURPOSES: Record<string, string> = {
  complaint_refund: 'Complaint refunds',
  early_payment: 'Early payments',
}

function PayoutsView({ data, range }: { data: PayoutsReport; range: Range }) {
  return (
    <ReportFrame
      name="payouts"
      title="Payouts by month"
      range={range}
      report={data}
      rowKey={(row) => `${row.month}-${row.purpose}-${row.provider}-${row.status}`}
      shown={(row) => row.count > 0}
      chart={{
        description: 'The amount of the payouts created each month, one bar per purpose.',
        series: seriesBy(
          data.rows,
          monthsOf(data.rows),
          (row) => PURPOSES[row.purpose] ?? row.purpose,
          (row) => centsOf(row.amount),
        ),
        format: formatCents,
      }}
      columns={[
        monthColumn(),
        { header: 'Purpose', cell: (row) => PURPOSES[row.purpose] ?? row.purpose },
        { header: 'Provider', cell: (row) => row.provider },
        { header: 'Status', cell: (row) => row.status },
        { header: 'Payouts', numeric: true, cell: (row) => row.count },
        { header: 'Amount', numeric: true, cell: (row) => <Money amount={row.amount} /> },
      ]}
    >
      <h3>Why payouts failed</h3>
      <DataTable
        caption="The most common reasons of failed payouts"
        rows={data.failure_reasons.map((row) => ({ ...row, id: row.reason }))}
        empty="No payout failed in these dates."
        columns={[
          { header: 'Reason', cell: (row) => row.reason },
          { header: 'Payouts', numeric: true, cell: (row) => row.count },
        ]}
      />
      <h3>By month</h3>
    </ReportFrame>
  )
}
