import { useState } from 'react'
import { useLocation } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { Pager, pageFrom } from '../../ui/DataTable'
import { DateText, Money } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { Empty, ErrorNotice, Notice, QueryState } from '../../ui/states'
import { formatMoney } from '../../ui/format'
import { ApprovalsText, ComplaintPhoto } from './ComplaintStatus'
import { RejectButton } from './RejectButton'
import { useApprove, useReject, useWaitingComplaints, type Complaint } from './queries'
import './complaints.css'

/** Complaints waiting for a decision, each with its photo; approving pays the refund. */
export function ApproverQueue() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const waiting = useWaitingComplaints(page)
  const approve = useApprove()
  const reject = useReject()
  const [outcome, setOutcome] = useState('')
  const busy = approve.isPending || reject.isPending

  const onApprove = (complaint: Complaint) => {
    reject.reset()
    approve.mutate(complaint.id, {
      onSuccess: ({ complaint: answer, waiting: stillPending }) =>
        setOutcome(
          stillPending
            ? `Your approval of “${answer.title}” is recorded: ${answer.approvals.length} of ${answer.approvals_required} approvals. Another approver must approve it too.`
            : `“${answer.title}” is approved: its refund of ${formatMoney(answer.amount, answer.currency)} is being paid.`,
        ),
    })
  }
  const onReject = (complaint: Complaint, reason: string) => {
    approve.reset()
    reject.mutate(
      { id: complaint.id, reason },
      { onSuccess: (answer) => setOutcome(`“${answer.title}” is rejected; its refund is cancelled.`) },
    )
  }

  return (
    <Page title="Complaints waiting">
      {outcome && !approve.error && !reject.error ? <Notice>{outcome}</Notice> : null}
      <ErrorNotice error={approve.error ?? reject.error} />
      <QueryState query={waiting}>
        {(list) =>
          list.results.length === 0 ? (
            <Empty>No complaint is waiting for a decision.</Empty>
          ) : (
            <>
              <ul className="complaint-queue" aria-label="Complaints waiting">
                {list.results.map((complaint) => (
                  <WaitingComplaint
                    key={complaint.id}
                    complaint={complaint}
                    busy={busy}
                    onApprove={() => onApprove(complaint)}
                    onReject={(reason) => onReject(complaint, reason)}
                  />
                ))}
              </ul>
              <Pager page={page} list={list} />
            </>
          )
        }
      </QueryState>
    </Page>
  )
}

function WaitingComplaint({
  complaint,
  busy,
  onApprove,
  onReject,
}: {
  complaint: Complaint
  busy: boolean
  onApprove: () => void
  onReject: (reason: string) => void
}) {
  const amount = <Money amount={complaint.amount} currency={complaint.currency} />
  return (
    <li className="complaint-card" aria-labelledby={`complaint-${complaint.id}`}>
      <a href={complaint.photo_url} target="_blank" rel="noreferrer" className="photo-link">
        <ComplaintPhoto complaint={complaint} />
      </a>
      <div>
        <h2 id={`complaint-${complaint.id}`}>{complaint.title}</h2>
        {complaint.description ? <p>{complaint.description}</p> : null}
        <dl className="complaint-facts">
          <dt>Refund asked for</dt>
          <dd>{amount}</dd>
          <dt>Complainer</dt>
          <dd>User {complaint.complainer}</dd>
          <dt>Filed</dt>
          <dd>
            <DateText date={complaint.created_at} />
          </dd>
        </dl>
        <ApprovalsText complaint={complaint} />
        <div className="complaint-actions">
          <ConfirmButton
            title={`Approve “${complaint.title}”?`}
            message={<p>Approving pays the refund of {amount} to the complainer’s IBAN.</p>}
            confirmLabel="Approve and pay"
            disabled={busy}
            onConfirm={onApprove}
          >
            Approve
          </ConfirmButton>
          <RejectButton title={complaint.title} disabled={busy} onReject={onReject} />
        </div>
      </div>
    </li>
  )
}
