import type { ColumnType, GeneratedAlways, Kysely } from 'kysely'
import type { Clock } from '../clock.ts'
import type { QueryRunner } from '../database/transaction.ts'
import type { Actor } from '../http/actor.ts'
import { maskAccountNumbers } from './masking.ts'

export type AuditTables = {
  audit_events: {
    id: GeneratedAlways<number>
    at: Date
    actor_id: number | null
    actor_label: string | null
    action: string
    subject_type: string
    subject_id: number
    request_id: string | null
    changes: ColumnType<Record<string, unknown>, string, never>
  }
}

/** Who caused an audited change: a person (with the request they made), or a job or the system. */
export type AuditActor = Actor | { system: string }

export interface AuditEvent {
  actor: AuditActor
  /** What happened, as `<subject>.<verb>`: `complaint.approved`, `payout.marked_paid`. */
  action: string
  subject: { type: string; id: number }
  /** A small summary of what changed; account numbers and IBANs in it are masked on the way in. */
  changes?: Record<string, unknown>
}

/** The audit log's writer: every module records through it, inside the transaction of the change. */
export interface Audit {
  record(executor: QueryRunner, event: AuditEvent): Promise<void>
}

export function createAudit(clock: Clock): Audit {
  return {
    async record(executor, event) {
      const db = executor as Kysely<AuditTables>
      const person = 'userId' in event.actor ? event.actor : undefined
      await db
        .insertInto('audit_events')
        .values({
          at: clock.now(),
          actor_id: person?.userId ?? null,
          actor_label: 'system' in event.actor ? event.actor.system : null,
          action: event.action,
          subject_type: event.subject.type,
          subject_id: event.subject.id,
          request_id: person?.requestId ?? null,
          changes: JSON.stringify(maskAccountNumbers(event.changes ?? {})),
        })
        .execute()
    },
  }
}

/** The actor of a background job's changes. */
export function jobActor(jobName: string): AuditActor {
  return { system: `job:${jobName}` }
}
