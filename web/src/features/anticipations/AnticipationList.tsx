import { useMe } from '../../api/me'
import { Link, useLocation } from '../../router'
import { DataTable, Pager, pageFrom, type Column } from '../../ui/DataTable'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { StatusBadge } from '../../ui/Tabs'
import { QueryState } from '../../ui/states'
import { approvalsText, Decide } from './Decide'
import {
  ANTICIPATION_STATUS_LABELS,
  LOG_ACTION_LABELS,
  useAnticipations,
  useRequestLog,
  useWaitingCount,
  type Anticipation,
} from './queries'
import './anticipations.css'

interface LogRow {
  id: number
  anticipation: number
  created_at: string
  user: number
  action: string
}

/**
 * Early payments through the request log, the one list of anticipations the API has: each request (R)
 * and decision (A, D) with its anticipation as it is now. Operators decide the requests still pending.
 */
export function AnticipationList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const me = useMe()
  const operator = me.data?.roles.includes('operator') ?? false
  const log = useRequestLog(page)
  const ids = [...new Set((log.data?.results ?? []).map((row) => row.anticipation))]
  const anticipations = useAnticipations(ids)
  return (
    <Page title="Early payments">
      {operator ? <WaitingSummary /> : null}
      <QueryState query={log}>
        {(list) => (
          <>
            <DataTable<LogRow>
              caption="Early payment requests and decisions"
              rows={list.results}
              empty="No early payment has been requested yet."
              columns={columns(anticipations, operator)}
            />
            <Pager page={page} list={list} />
            <NewestLink page={page} count={list.count} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

/** The log is oldest first: the newest requests, those still to decide, are on its last page. */
function NewestLink({ page, count }: { page: number; count: number }) {
  const last = Math.max(1, Math.ceil(count / 10))
  if (page === last) return null
  return (
    <p>
      <Link to={`/anticipations?page=${last}`}>Go to the newest requests (page {last})</Link>
    </p>
  )
}

function WaitingSummary() {
  const waiting = useWaitingCount()
  if (waiting.data === undefined) return null
  return (
    <p className="muted">
      {waiting.data === 0 ? 'No payment' : waiting.data === 1 ? '1 payment' : `${waiting.data} payments`}{' '}
      waiting for a decision (<Link to="/payments?status=PC">see them</Link>). Requests are listed oldest
      first.
    </p>
  )
}

function columns(anticipations: Map<number, Anticipation>, operator: boolean): Column<LogRow>[] {
  const of = (row: LogRow) => anticipations.get(row.anticipation)
  return [
    { header: 'When', cell: (row) => <DateText date={row.created_at} /> },
    {
      header: 'Action',
      cell: (row) => `${LOG_ACTION_LABELS[row.action] ?? row.action} by user #${row.user}`,
    },
    {
      header: 'Payment',
      cell: (row) => {
        const found = of(row)
        return found ? <Link to={`/payments/${found.payment}`}>Payment #{found.payment}</Link> : '…'
      },
    },
    { header: 'New due date', cell: (row) => <DateText date={of(row)?.new_due_date} /> },
    {
      header: 'New value',
      numeric: true,
      cell: (row) => {
        const found = of(row)
        return found ? <Money amount={found.new_value} /> : '…'
      },
    },
    { header: 'Early payment', cell: (row) => <Status anticipationId={row.anticipation} found={of(row)} /> },
    ...(operator
      ? [
          {
            header: 'Decision',
            cell: (row: LogRow) => {
              const found = of(row)
              return found && found.status === 'PC' && row.action === 'R' ? (
                <Decide anticipation={found} />
              ) : null
            },
          },
        ]
      : []),
  ]
}

function Status({ anticipationId, found }: { anticipationId: number; found: Anticipation | undefined }) {
  if (!found) return <span>#{anticipationId}</span>
  const approvals = approvalsText(found)
  return (
    <span className="anticipation-status">
      #{anticipationId}{' '}
      <StatusBadge status={found.status} label={ANTICIPATION_STATUS_LABELS[found.status] ?? found.status} />
      {approvals ? <span className="approvals">{approvals}</span> : null}
    </span>
  )
}
