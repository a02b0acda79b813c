import type { AuditActor, Audit } from '../audit/index.ts'
import type { Clock } from '../clock.ts'
import { transaction, type QueryRunner } from '../database/transaction.ts'
import * as repository from './payouts.repository.ts'
import type { MoveChanges, PayoutRow, PayoutsDb, PayoutStatus } from './payouts.repository.ts'

/**
 * Payout moves with their audit event: each move and the event naming who caused it (a person or a
 * job) commit together.
 */
export function createPayoutTransitions(db: PayoutsDb, audit: Audit, clock: Clock) {
  /** Records `row`'s new state as caused by `actor`, in `executor`'s transaction. */
  async function recordMove(
    executor: QueryRunner,
    row: PayoutRow,
    actor: AuditActor,
    changes: Record<string, unknown> = {},
  ): Promise<void> {
    await audit.record(executor, {
      actor,
      action: `payout.${row.status}`,
      subject: { type: 'payout', id: row.id },
      changes: { status: row.status, purpose: row.purpose, subject_id: row.subject_id, ...changes },
    })
  }

  /** One audited move from one of `from` to `to`; undefined when the payout was not in `from`. */
  async function move(
    id: number,
    from: PayoutStatus[],
    to: PayoutStatus,
    actor: AuditActor,
    extra: MoveChanges = {},
  ): Promise<PayoutRow | undefined> {
    return transaction(db, async (tx) => {
      const row = await repository.movePayout(tx, id, from, to, clock.now(), extra)
      if (row) await recordMove(tx, row, actor, extra)
      return row
    })
  }

  /**
   * Fails a payout while it is in `from`. `fundingRefused`: the provider refused the funding for
   * sure, so the start of funding is cleared in the same update (the payout can be cancelled again).
   */
  async function fail(
    id: number,
    from: PayoutStatus[],
    reason: string,
    actor: AuditActor,
    options: { fundingRefused?: boolean } = {},
  ) {
    const failure = { failure_reason: reason.slice(0, 1000) }
    return move(
      id,
      from,
      'failed',
      actor,
      options.fundingRefused ? { ...failure, funding_started_at: null } : failure,
    )
  }

  /** Fails a payout whose transfer the provider cancelled (see repository.failForgettingTransfer). */
  async function failForgettingTransfer(
    id: number,
    change: { from: PayoutStatus[]; transferId: string; reason: string; idempotencyKey: string },
    actor: AuditActor,
  ): Promise<PayoutRow | undefined> {
    return transaction(db, async (tx) => {
      const row = await repository.failForgettingTransfer(tx, id, { ...change, now: clock.now() })
      if (row) await recordMove(tx, row, actor, { failure_reason: row.failure_reason })
      return row
    })
  }

  return { recordMove, move, fail, failForgettingTransfer }
}

export type PayoutTransitions = ReturnType<typeof createPayoutTransitions>
