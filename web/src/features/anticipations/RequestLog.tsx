import { Link, useLocation } from '../../router'
import { DataTable, Pager, pageFrom, type Column } from '../../ui/DataTable'
import { DateText } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { QueryState } from '../../ui/states'
import { AnticipationStatusText } from './AnticipationStatusText'
import { LOG_ACTION_LABELS, useAnticipations, useRequestLog, type Anticipation } from './queries'
import './anticipations.css'

interface LogRow {
  id: number
  anticipation: number
  created_at: string
  user: number
  action: string
}

/** Who asked for each early payment and who decided it, when: the request log, oldest first. */
export function RequestLog() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const log = useRequestLog(page)
  const ids = [...new Set((log.data?.results ?? []).map((row) => row.anticipation))]
  const anticipations = useAnticipations(ids)
  return (
    <Page title="Request log" actions={<Link to="/anticipations">Early payments</Link>}>
      <QueryState query={log}>
        {(list) => (
          <>
            <DataTable<LogRow>
              caption="Early payment requests and decisions, oldest first"
              rows={list.results}
              empty="No early payment has been requested yet."
              columns={columns(anticipations)}
            />
            <Pager page={page} list={list} />
            <NewestLink page={page} count={list.count} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

/** The log is oldest first: the newest entries are on its last page. */
function NewestLink({ page, count }: { page: number; count: number }) {
  const last = Math.max(1, Math.ceil(count / 10))
  if (page === last) return null
  return (
    <p>
      <Link to={`/anticipations/log?page=${last}`}>Go to the newest entries (page {last})</Link>
    </p>
  )
}

function columns(anticipations: Map<number, Anticipation>): Column<LogRow>[] {
  return [
    { header: 'When', cell: (row) => <DateText date={row.created_at} /> },
    {
      header: 'Action',
      cell: (row) => `${LOG_ACTION_LABELS[row.action] ?? row.action} by user #${row.user}`,
    },
    {
      header: 'Payment',
      cell: (row) => {
        const found = anticipations.get(row.anticipation)
        return found ? <Link to={`/payments/${found.payment}`}>Payment #{found.payment}</Link> : '…'
      },
    },
    {
      header: 'Early payment now',
      cell: (row) => (
        <AnticipationStatusText id={row.anticipation} anticipation={anticipations.get(row.anticipation)} />
      ),
    },
  ]
}
