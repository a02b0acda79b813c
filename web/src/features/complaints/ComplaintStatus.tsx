import { StatusBadge } from '../../ui/Tabs'
import { VariantImage } from '../../ui/VariantImage'
import type { Complaint } from './queries'

const STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
}

export function ComplaintStatusBadge({ complaint }: { complaint: Complaint }) {
  return <StatusBadge status={complaint.status} label={STATUS_LABELS[complaint.status] ?? complaint.status} />
}

/** "1 of 2 approvals" while a complaint above the threshold waits for its second approver. */
export function ApprovalsText({ complaint }: { complaint: Complaint }) {
  if (complaint.status !== 'pending' || complaint.approvals_required < 2) return null
  return (
    <span className="approvals">
      {complaint.approvals.length} of {complaint.approvals_required} approvals
    </span>
  )
}

export function ComplaintPhoto({ complaint, thumbnail }: { complaint: Complaint; thumbnail?: boolean }) {
  return (
    <VariantImage
      className={thumbnail ? 'complaint-thumbnail' : 'complaint-photo'}
      variants={complaint.photo_variants}
      original={complaint.photo_url}
      alt={`Photo of “${complaint.title}”`}
      thumbnail={thumbnail ?? false}
      sizes="(max-width: 40rem) 100vw, 16rem"
    />
  )
}
