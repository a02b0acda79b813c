import { Type, type Static } from 'typebox'
import { PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const Instant = (description: string) =>
  Type.String({ maxLength: 40, description, examples: ['2026-03-01', '2026-03-01T12:00:00Z'] })

export const AuditQuery = Type.Object({
  actor: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'A user id.' })),
  subject_type: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'complaint, anticipation, payout, bank_account, user or supplier.',
      examples: ['payout'],
    }),
  ),
  subject_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  action: Type.Optional(Type.String({ maxLength: 60, examples: ['complaint.approved'] })),
  from: Type.Optional(Instant('From this moment (a date: from its start, UTC), inclusive.')),
  to: Type.Optional(Instant('Up to this moment (a date: to its end, UTC), inclusive.')),
  ...PageQuery,
})
export type AuditQuery = Static<typeof AuditQuery>

export const AuditEvent = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    at: Timestamp,
    actor: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The user who did it; null for a background job or the system (see actor_label).',
      examples: [3],
    }),
    actor_label: Type.Union([Type.String(), Type.Null()], {
      description: 'Which job or system process did it, when no person did (`job:fund-payout`, `seed`).',
      examples: [null],
    }),
    action: Type.String({ examples: ['complaint.approved'] }),
    subject_type: Type.String({ examples: ['complaint'] }),
    subject_id: Type.Integer({ examples: [12] }),
    request_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The HTTP request that did it (also in the logs); null for jobs.',
    }),
    changes: Type.Record(Type.String(), Type.Unknown(), {
      description: 'What changed; bank account numbers and IBANs show their last 4 characters only.',
      examples: [{ status: 'approved', amount: '120.00', approvers: [3] }],
    }),
  },
  { title: 'AuditEvent' },
)
export type AuditEvent = Static<typeof AuditEvent>

export const AuditPage = PageOf(AuditEvent, 'AuditEventsPage')
