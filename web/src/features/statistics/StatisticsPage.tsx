import { useMe, type Me } from '../../api/me'
import { setQuery, useLocation } from '../../router'
import { Page } from '../../ui/Page'
import { Tabs } from '../../ui/Tabs'
import { OverviewReport } from './Overview'
import type { Range, ReportName } from './queries'
import { BookingsReport, ComplaintsStatsReport, PayablesReport, PayoutsStatsReport } from './Reports'
import './statistics.css'

const REPORTS: Record<ReportName, { label: string; mayRead: (me: Me) => boolean }> = {
  overview: { label: 'Overview', mayRead: (me) => me.roles.includes('admin') },
  bookings: { label: 'Bookings', mayRead: (me) => me.roles.includes('admin') },
  payables: {
    label: 'Payables',
    mayRead: (me) => me.roles.includes('admin') || me.roles.includes('operator') || me.supplier != null,
  },
  payouts: {
    label: 'Payouts',
    mayRead: (me) => me.roles.includes('admin') || me.roles.includes('operator'),
  },
  complaints: {
    label: 'Complaints',
    mayRead: (me) => me.roles.includes('admin') || me.roles.includes('approver'),
  },
}

/**
 * Reports by month for a date range, each as a chart, a table and a CSV. A page lists the reports
 * meant for its readers; each report is shown only to the roles the API serves it to.
 */
export function StatisticsPage({ title, reports }: { title: string; reports: ReportName[] }) {
  const me = useMe()
  const { query } = useLocation()
  const readable = me.data ? reports.filter((name) => REPORTS[name].mayRead(me.data)) : []
  const asked = query.get('report')
  const current = readable.find((name) => name === asked) ?? readable[0]
  const range: Range = { from: query.get('from') || undefined, to: query.get('to') || undefined }
  if (!current) {
    return (
      <Page title={title}>
        <p>Your account does not have access to these reports. An admin can grant you the role they need.</p>
      </Page>
    )
  }
  return (
    <Page title={title}>
      {readable.length > 1 ? (
        <Tabs
          label="Reports"
          tabs={readable.map((name) => ({ value: name, label: REPORTS[name].label }))}
          current={current}
          onChange={(name) => setQuery({ report: name === readable[0] ? undefined : name })}
        />
      ) : null}
      <Report name={current} range={range} />
    </Page>
  )
}

function Report({ name, range }: { name: ReportName; range: Range }) {
  switch (name) {
    case 'overview':
      return <OverviewReport />
    case 'payables':
      return <PayablesReport range={range} />
    case 'complaints':
      return <ComplaintsStatsReport range={range} />
    case 'bookings':
      return <BookingsReport range={range} />
    case 'payouts':
      return <PayoutsStatsReport range={range} />
  }
}
