import { useState } from 'react'
import { useMe, type Me } from '../../api/me'
import { setQuery, useLocation } from '../../router'
import { onSubmit, TextField } from '../../ui/form'
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
      {current !== 'overview' ? <RangeForm key={`${range.from}-${range.to}`} range={range} /> : null}
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

/** The dates of the reports; empty means the API's default, the last 12 months. */
function RangeForm({ range }: { range: Range }) {
  const [from, setFrom] = useState(range.from ?? '')
  const [to, setTo] = useState(range.to ?? '')
  return (
    <form
      className="toolbar"
      aria-label="Dates of the report"
      onSubmit={onSubmit(() => setQuery({ from, to }))}
    >
      <TextField label="From" name="from" type="date" value={from} onChange={setFrom} error={undefined} />
      <TextField label="To" name="to" type="date" value={to} onChange={setTo} error={undefined} />
      <button type="submit" className="primary">
        Show
      </button>
      <p className="hint">Both days included; without dates, the last 12 months.</p>
    </form>
  )
}
