import { useState } from 'react'
import { useMe } from '../../api/me'
import { Link, setQuery, useLocation } from '../../router'
import { DataTable, Pager, pageFrom, type Column } from '../../ui/DataTable'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { Tabs } from '../../ui/Tabs'
import { Notice, QueryState } from '../../ui/states'
import { AnticipationStatusText } from './AnticipationStatusText'
import { Decide } from './Decide'
import {
  ANTICIPATION_STATUS_LABELS,
  ANTICIPATION_STATUSES,
  useAnticipationCounts,
  useAnticipationList,
  type Anticipation,
  type AnticipationStatus,
} from './queries'
import './anticipations.css'

type Filter = AnticipationStatus | 'all'

/** `?status=`; absent, operators see their queue (PC) and suppliers all of theirs. */
function filterFrom(query: URLSearchParams, operator: boolean): Filter {
  const status = query.get('status')?.toUpperCase()
  if (status === 'ALL') return 'all'
  return ANTICIPATION_STATUSES.find((known) => known === status) ?? (operator ? 'PC' : 'all')
}

const TAB_LABELS: Record<Filter, string> = {
  all: 'All',
  PC: 'Waiting for a decision',
  A: 'Approved',
  D: 'Denied',
}

/**
 * Early payments, oldest request first. Operators start on the requests waiting for a decision and
 * approve or deny them there; a supplier's user sees their own requests and where each stands.
 */
export function AnticipationList() {
  const { query } = useLocation()
  const me = useMe()
  const operator = me.data?.roles.includes('operator') ?? false
  const filter = filterFrom(query, operator)
  const page = pageFrom(query)
  const list = useAnticipationList({ status: filter === 'all' ? undefined : filter, page })
  const counts = useAnticipationCounts()
  const [decided, setDecided] = useState('')
  const order: Filter[] = operator ? ['PC', 'A', 'D', 'all'] : ['all', 'PC', 'A', 'D']
  return (
    <Page title="Early payments" actions={<Link to="/anticipations/log">Request log</Link>}>
      <Tabs
        label="Early payments by status"
        tabs={order.map((value) => ({ value, label: TAB_LABELS[value], count: counts[value] }))}
        current={filter}
        onChange={(value) => setQuery({ status: value, page: undefined })}
      />
      {decided ? <Notice>{decided}</Notice> : null}
      <QueryState query={list}>
        {(found) => (
          <>
            <DataTable<Anticipation>
              caption={`Early payments: ${TAB_LABELS[filter].toLowerCase()}, oldest request first`}
              rows={found.results}
              empty={emptyText(filter)}
              columns={columns(operator, setDecided)}
            />
            <Pager page={page} list={found} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function emptyText(filter: Filter): string {
  if (filter === 'all') return 'No early payment has been requested yet.'
  if (filter === 'PC') return 'No early payment is waiting for a decision.'
  return `No early payment is ${ANTICIPATION_STATUS_LABELS[filter]?.toLowerCase() ?? filter}.`
}

function columns(operator: boolean, onDecided: (message: string) => void): Column<Anticipation>[] {
  return [
    { header: 'Early payment', cell: (row) => <AnticipationStatusText id={row.id} anticipation={row} /> },
    { header: 'Payment', cell: (row) => <Link to={`/payments/${row.payment}`}>Payment #{row.payment}</Link> },
    { header: 'Requested', cell: (row) => <DateText date={row.creation_date} /> },
    { header: 'Pay on', cell: (row) => <DateText date={row.new_due_date} /> },
    { header: 'New value', numeric: true, cell: (row) => <Money amount={row.new_value} /> },
    ...(operator
      ? [
          {
            header: 'Decision',
            cell: (row: Anticipation) =>
              row.status === 'PC' ? <Decide anticipation={row} onDecided={onDecided} /> : null,
          },
        ]
      : []),
  ]
}
