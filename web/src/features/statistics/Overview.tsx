import { BarChart } from '../../ui/BarChart'
import { CsvDownloadButton } from '../../ui/CsvDownloadButton'
import { QueryState } from '../../ui/states'
import { fetchReportCsv, useOverview, type Overview } from './queries'

/** The business now: users by role, companies, suppliers, and what waits for a person. */
export function OverviewReport() {
  const overview = useOverview()
  return <QueryState query={overview}>{(data) => <OverviewView data={data} />}</QueryState>
}

function OverviewView({ data }: { data: Overview }) {
  const waiting = [
    {
      short: 'Complaints',
      label: 'Complaints waiting for an approver',
      value: data.waiting.pending_complaints,
    },
    {
      short: 'Early payments',
      label: 'Early payments waiting for an operator',
      value: data.waiting.pending_anticipations,
    },
    {
      short: 'Payouts to approve',
      label: 'Payouts waiting for approval',
      value: data.waiting.payouts_awaiting_approval,
    },
    {
      short: 'Failed payouts',
      label: 'Failed payouts waiting for a retry',
      value: data.waiting.failed_payouts,
    },
  ]
  return (
    <section aria-labelledby="overview-title" className="report">
      <header className="report-header">
        <h2 id="overview-title">Overview</h2>
        <CsvDownloadButton fetchCsv={() => fetchReportCsv('overview', {})} filename="overview.csv" />
      </header>
      <dl className="figures">
        <Figure label="Active users" value={data.users} />
        <Figure label="Admins" value={data.users_by_role.admin} />
        <Figure label="Operators" value={data.users_by_role.operator} />
        <Figure label="Approvers" value={data.users_by_role.approver} />
        <Figure label="Companies" value={data.companies} />
        <Figure label="Suppliers" value={data.suppliers} />
      </dl>
      <h3>Waiting for a person</h3>
      <BarChart
        title="Waiting for a person"
        description="Items that wait for someone to decide or act, by kind."
        categories={waiting.map((item) => item.short)}
        series={[{ name: 'Waiting', values: waiting.map((item) => item.value) }]}
        wholeNumbers
      />
      <dl className="figures">
        {waiting.map((item) => (
          <Figure key={item.label} label={item.label} value={item.value} />
        ))}
      </dl>
    </section>
  )
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  )
}
