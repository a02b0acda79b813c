import type { Approvals } from '../../platform/approvals/index.ts'
import type { Audit } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Emails } from '../../platform/email/email-job.ts'
import type { Images } from '../../platform/images/images.ts'
import type { Payouts } from '../../platform/payouts/index.ts'
import type { ComplaintRow, ComplaintsDb } from './complaints.repository.ts'
import type { Complaint } from './complaints.schemas.ts'

/** Who complains and is refunded: the auth module's view of a user. */
export interface People {
  profileOf(userId: number): Promise<
    | {
        email: string
        first_name: string
        last_name: string
        iban: string | null
        /** Proven by a link sent to the address (or vouched for by an identity provider). */
        email_verified: boolean
      }
    | undefined
  >
}

export interface ComplaintsSettings {
  currency: string
  /** Refunds above this amount (cents) need two approvers; undefined: one is enough. */
  approvalThreshold: bigint | undefined
  /** Complaints one user may file in any 24 hours. */
  perDay: number
}

export const REFUND_PURPOSE = 'complaint_refund'

/** What the complaint use cases share. */
export interface ComplaintsContext {
  db: ComplaintsDb
  clock: Clock
  images: Images
  payouts: Payouts
  emails: Emails
  people: People
  audit: Audit
  approvals: Approvals
  settings: ComplaintsSettings
  toComplaint(row: ComplaintRow): Promise<Complaint>
}
