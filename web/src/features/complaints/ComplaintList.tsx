import { Link, useLocation } from '../../router'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { Notice, QueryState } from '../../ui/states'
import { ApprovalsText, ComplaintPhoto, ComplaintStatusBadge } from './ComplaintStatus'
import { useMyComplaints } from './queries'
import './complaints.css'

/** The complaints the caller filed, with where each stands (approvers and admins included). */
export function ComplaintList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const complaints = useMyComplaints(page)
  return (
    <Page title="My complaints" actions={<Link to="/complaints/new">File a complaint</Link>}>
      {query.get('filed') ? <Notice>Your complaint was filed. An approver will decide on it.</Notice> : null}
      <QueryState query={complaints}>
        {(list) => (
          <>
            <DataTable
              caption="Complaints"
              rows={list.results}
              empty="You have not filed any complaint."
              columns={[
                { header: 'Photo', cell: (row) => <ComplaintPhoto complaint={row} thumbnail /> },
                { header: 'Title', cell: (row) => row.title },
                {
                  header: 'Refund asked for',
                  cell: (row) => <Money amount={row.amount} currency={row.currency} />,
                  numeric: true,
                },
                { header: 'Filed', cell: (row) => <DateText date={row.created_at} /> },
                {
                  header: 'Status',
                  cell: (row) => (
                    <>
                      <ComplaintStatusBadge complaint={row} /> <ApprovalsText complaint={row} />
                      {row.reason ? <p className="small">Reason: {row.reason}</p> : null}
                    </>
                  ),
                },
              ]}
            />
            {list.count > 0 ? <Pager page={page} list={list} /> : null}
          </>
        )}
      </QueryState>
    </Page>
  )
}
