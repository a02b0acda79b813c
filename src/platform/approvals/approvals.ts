import type { GeneratedAlways, Kysely } from 'kysely'
import type { Audit } from '../audit/index.ts'
import type { Clock } from '../clock.ts'
import type { QueryRunner } from '../database/transaction.ts'
import { conflict } from '../errors.ts'
import type { Actor } from '../http/actor.ts'

export type ApprovalsTables = {
  approvals: {
    id: GeneratedAlways<number>
    subject_type: ApprovalSubjectType
    subject_id: number
    user_id: number
    at: Date
  }
}

export type ApprovalSubjectType = 'complaint' | 'anticipation'

/** One person's approval of a decision, as the API shows it. */
export interface Approval {
  user: number
  at: string
}

/**
 * Approvals of decisions that need two people (see approvalsRequired). Called inside the decision's
 * transaction, with the subject's row locked, so approvals of one subject are counted one at a time.
 */
export interface Approvals {
  /**
   * Records `userId`'s approval and returns every approval of the subject, oldest first. The same
   * person twice → 409 `already_approved_by_you` (a unique constraint, so two racing requests of
   * theirs cannot both count).
   */
  record(
    executor: QueryRunner,
    subject: { type: ApprovalSubjectType; id: number },
    userId: number,
  ): Promise<Approval[]>
  /**
   * `actor` approves a decision that `required` people must approve: with two, their approval is
   * recorded (and audited as `<type>.approval_recorded`). Returns the approvers once there are
   * enough, or undefined while the decision waits for another person.
   */
  approve(
    executor: QueryRunner,
    subject: { type: ApprovalSubjectType; id: number },
    actor: Actor,
    required: 1 | 2,
  ): Promise<number[] | undefined>
  /** The approvals of several subjects of one type, by subject id (none: absent). */
  listFor(
    executor: QueryRunner,
    type: ApprovalSubjectType,
    ids: readonly number[],
  ): Promise<Map<number, Approval[]>>
}

export function createApprovals(clock: Clock, audit: Audit): Approvals {
  const on = (executor: QueryRunner) => executor as Kysely<ApprovalsTables>

  async function listFor(executor: QueryRunner, type: ApprovalSubjectType, ids: readonly number[]) {
    const byId = new Map<number, Approval[]>()
    if (ids.length === 0) return byId
    const rows = await on(executor)
      .selectFrom('approvals')
      .select(['subject_id', 'user_id', 'at'])
      .where('subject_type', '=', type)
      .where('subject_id', 'in', ids)
      .orderBy('id')
      .execute()
    for (const row of rows) {
      const list = byId.get(row.subject_id) ?? []
      list.push({ user: row.user_id, at: row.at.toISOString() })
      byId.set(row.subject_id, list)
    }
    return byId
  }

  async function record(
    executor: QueryRunner,
    subject: { type: ApprovalSubjectType; id: number },
    userId: number,
  ): Promise<Approval[]> {
    const inserted = await on(executor)
      .insertInto('approvals')
      .values({ subject_type: subject.type, subject_id: subject.id, user_id: userId, at: clock.now() })
      .onConflict((oc) => oc.constraint('approvals_subject_user_key').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!inserted) {
      throw conflict(
        'already_approved_by_you',
        'You approved this already; a second approval must come from someone else.',
      )
    }
    return (await listFor(executor, subject.type, [subject.id])).get(subject.id) ?? []
  }

  return {
    record,
    async approve(executor, subject, actor, required) {
      if (required === 1) return [actor.userId]
      const given = await record(executor, subject, actor.userId)
      await audit.record(executor, {
        actor,
        action: `${subject.type}.approval_recorded`,
        subject,
        changes: { approvals: given, approvals_required: required },
      })
      return given.length >= required ? given.map((approval) => approval.user) : undefined
    },
    listFor,
  }
}

/**
 * How many people must approve: two when a threshold is set and the amount is strictly above it,
 * otherwise one. Amounts and threshold in cents.
 */
export function approvalsRequired(amount: bigint, threshold: bigint | undefined): 1 | 2 {
  return threshold !== undefined && amount > threshold ? 2 : 1
}
