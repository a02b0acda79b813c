import { StatusBadge } from '../../ui/Tabs'
import { approvalsText } from './Decide'
import { ANTICIPATION_STATUS_LABELS, type Anticipation } from './queries'

/** An early payment's number, status and (while a second operator must approve) its approvals. */
export function AnticipationStatusText({ id, anticipation }: { id: number; anticipation?: Anticipation }) {
  if (!anticipation) return <span>#{id}</span>
  const approvals = approvalsText(anticipation)
  return (
    <span className="anticipation-status">
      #{id}{' '}
      <StatusBadge
        status={anticipation.status}
        label={ANTICIPATION_STATUS_LABELS[anticipation.status] ?? anticipation.status}
      />
      {approvals ? <span className="approvals">{approvals}</span> : null}
    </span>
  )
}
