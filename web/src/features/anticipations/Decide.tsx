import { ConfirmButton } from '../../ui/ConfirmButton'
import { formatDate, formatMoney } from '../../ui/format'
import { ErrorNotice } from '../../ui/states'
import { useDecide, type Anticipation, type Decision } from './queries'

/** "1 of 2 approvals" while an approval above the threshold waits for a second operator. */
export function approvalsText(anticipation: Anticipation): string | undefined {
  if (anticipation.status !== 'PC' || anticipation.approvals_required < 2) return undefined
  return `${anticipation.approvals.length} of ${anticipation.approvals_required} approvals`
}

/** What a decision did, in a sentence for the page once its row has left the queue. */
function decidedText({ anticipation }: Decision): string {
  const what = anticipation.status === 'A' ? 'approved: the supplier will be paid' : 'denied'
  return `Early payment #${anticipation.id} is ${what}.`
}

/** Approve or Deny one anticipation, each after a confirmation; the API's answer shown in its words. */
export function Decide({
  anticipation,
  onDecided,
}: {
  anticipation: Anticipation
  onDecided?: (message: string) => void
}) {
  // A first approval of two keeps the row in the queue, with its own notice below.
  const decide = useDecide(anticipation.id, (decision) => {
    if (!decision.partial) onDecided?.(decidedText(decision))
  })
  const mutate = (status: 'A' | 'D') => decide.mutate(status)
  const what = `${formatMoney(anticipation.new_value)} on ${formatDate(anticipation.new_due_date)} for payment #${anticipation.payment}`
  const approvals = approvalsText(anticipation)
  return (
    <div className="decide">
      <div className="decide-actions">
        <ConfirmButton
          title={`Approve early payment #${anticipation.id}?`}
          message={<p>The supplier will be paid {what}.</p>}
          confirmLabel="Approve"
          disabled={decide.isPending}
          onConfirm={() => mutate('A')}
        >
          Approve
        </ConfirmButton>
        <ConfirmButton
          title={`Deny early payment #${anticipation.id}?`}
          message={<p>The supplier asked to be paid {what}. A denial is final.</p>}
          confirmLabel="Deny"
          danger
          disabled={decide.isPending}
          onConfirm={() => mutate('D')}
        >
          Deny
        </ConfirmButton>
      </div>
      {decide.data?.partial ? (
        <p className="notice" role="status">
          Your approval is recorded ({approvals ?? 'more approvals needed'}). A second operator must approve
          before it is paid.
        </p>
      ) : null}
      <ErrorNotice error={decide.error} />
    </div>
  )
}
