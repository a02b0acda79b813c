import { ConfirmButton } from '../../ui/ConfirmButton'
import { formatDate, formatMoney } from '../../ui/format'
import { ErrorNotice } from '../../ui/states'
import { useDecide, type Anticipation } from './queries'

/** "1 of 2 approvals" while an approval above the threshold waits for a second operator. */
export function approvalsText(anticipation: Anticipation): string | undefined {
  if (anticipation.status !== 'PC' || anticipation.approvals_required < 2) return undefined
  return `${anticipation.approvals.length} of ${anticipation.approvals_required} approvals`
}

/** Approve or Deny one anticipation, each after a confirmation; the API's answer shown in its words. */
export function Decide({ anticipation }: { anticipation: Anticipation }) {
  const decide = useDecide(anticipation.id)
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
          onConfirm={() => decide.mutate('A')}
        >
          Approve
        </ConfirmButton>
        <ConfirmButton
          title={`Deny early payment #${anticipation.id}?`}
          message={<p>The supplier asked to be paid {what}. A denial is final.</p>}
          confirmLabel="Deny"
          danger
          disabled={decide.isPending}
          onConfirm={() => decide.mutate('D')}
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
