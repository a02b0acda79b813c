import type { Kysely, Selectable } from 'kysely'
import type { AuditTables } from '../../platform/audit/index.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'

export type AuditDb = Kysely<AuditTables>
export type AuditRow = Selectable<AuditTables['audit_events']>

export interface AuditFilter {
  actorId?: number | undefined
  subjectType?: string | undefined
  subjectId?: number | undefined
  action?: string | undefined
  /** Inclusive. */
  from?: Date | undefined
  /** Exclusive. */
  before?: Date | undefined
}

/**
 * One page of audit events, newest first (by id: the order they were recorded), and how many match.
 * Each filter has an index in that order (migration 0011).
 */
export async function listEvents(
  db: AuditDb,
  filter: AuditFilter,
  page: PageRequest,
): Promise<{ count: number; rows: AuditRow[] }> {
  let query = db.selectFrom('audit_events')
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId)
  if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType)
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId)
  if (filter.action !== undefined) query = query.where('action', '=', filter.action)
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from)
  if (filter.before !== undefined) query = query.where('at', '<', filter.before)
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
  ])
  return { count: total.count, rows }
}
