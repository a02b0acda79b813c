import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { complaintRoutes } from './complaints.routes.ts'
import type { ComplaintsTables } from './complaints.repository.ts'
import { createComplaintsService, type People } from './complaints.service.ts'
import { optionalCents } from '../../platform/validation/money.ts'
import { complaintsByMonth, pendingComplaints, type ComplaintsFigures } from './complaint-stats.ts'

export type { Complaint } from './complaints.schemas.ts'
export type { ComplaintsFigures }

/** Figures for statistics. */
export interface ComplaintStats {
  /** By month filed (business time zone), from `from` to `to` inclusive. */
  complaintsByMonth(range: { from: string; to: string }): Promise<ComplaintsFigures[]>
  /** Complaints waiting for an approver. */
  pending(): Promise<number>
}

export interface ComplaintsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
  api: { stats: ComplaintStats }
}

export interface ComplaintsDependencies {
  guards: Guards
  /** The complainer's names, email and refund IBAN (the auth module provides them). */
  people: People
}

export function createComplaintsModule(platform: Platform, deps: ComplaintsDependencies): ComplaintsModule {
  const { config } = platform
  const db = platform.db.$extendTables<ComplaintsTables>()
  const complaints = createComplaintsService(
    db,
    {
      clock: platform.clock,
      images: platform.images,
      payouts: platform.payouts,
      emails: platform.emails,
      people: deps.people,
      audit: platform.audit,
      approvals: platform.approvals,
    },
    {
      currency: config.refundCurrency,
      approvalThreshold: optionalCents(config.approvalThresholds.complaintRefund),
      perDay: config.complaintsPerDay,
    },
  )
  return {
    routes: complaintRoutes(complaints, deps.guards, platform.idempotency, {
      publicUrl: config.publicUrl,
      maxPhotoBytes: config.uploadMaxBytes,
    }),
    jobs: [],
    api: {
      stats: {
        complaintsByMonth: (range) => complaintsByMonth(db, { ...range, timeZone: config.businessTimezone }),
        pending: () => pendingComplaints(db),
      },
    },
  }
}
