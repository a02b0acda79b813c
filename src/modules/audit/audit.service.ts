import { invalid, invalidFields } from '../../platform/errors.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import * as repository from './audit.repository.ts'
import type { AuditDb, AuditRow } from './audit.repository.ts'
import type { AuditEvent, AuditQuery } from './audit.schemas.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/

export type AuditService = ReturnType<typeof createAuditService>

/** The audit log's read side, for admins. Nothing here changes or removes an event. */
export function createAuditService(db: AuditDb) {
  async function listEvents(query: AuditQuery, page: PageRequest) {
    const from = instant('from', query.from, 'start')
    const before = instant('to', query.to, 'end')
    if (from && before && from >= before) {
      throw invalidFields({ to: ['Must be after from.'] })
    }
    const { count, rows } = await repository.listEvents(
      db,
      {
        actorId: query.actor,
        subjectType: query.subject_type,
        subjectId: query.subject_id,
        action: query.action,
        from,
        before,
      },
      page,
    )
    return { count, results: rows.map(toEvent) }
  }

  return { listEvents }
}

/**
 * A date (its start for `from`; the start of the next day for `to`, so the day is included) or a
 * timestamp with a time zone (`to` includes that very moment); undefined when not given.
 */
function instant(field: string, value: string | undefined, side: 'start' | 'end'): Date | undefined {
  if (value === undefined) return undefined
  const isDate = DATE.test(value)
  const parsed = isDate ? new Date(`${value}T00:00:00Z`) : TIMESTAMP.test(value) ? new Date(value) : undefined
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw invalid(field, 'Enter a date (2026-03-01) or a timestamp with a time zone (2026-03-01T12:00:00Z).')
  }
  if (side === 'start') return parsed
  return new Date(parsed.getTime() + (isDate ? DAY_MS : 1))
}

function toEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor_id,
    actor_label: row.actor_label,
    action: row.action,
    subject_type: row.subject_type,
    subject_id: row.subject_id,
    request_id: row.request_id,
    changes: row.changes,
  }
}
