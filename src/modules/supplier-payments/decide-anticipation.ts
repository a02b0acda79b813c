import { transaction } from '../../platform/database/transaction.ts'
import { AppError, conflict, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import { formatMoney } from '../../platform/validation/money.ts'
import {
  approvalsRequiredFor,
  notifySupplier,
  toAnticipation,
  type Party,
  type PaymentsContext,
} from './supplier-payments.context.ts'
import * as repository from './supplier-payments.repository.ts'
import { findSupplier } from './suppliers.repository.ts'
import type { AnticipationRow, PaymentsDb } from './supplier-payments.repository.ts'
import type { Anticipation } from './supplier-payments.schemas.ts'

const OWN_REQUEST =
  'You requested this anticipation, registered its payment or act for its supplier; another operator decides it.'

/**
 * Operators approve (A) or deny (D) pending anticipations. Nobody decides an anticipation they
 * requested, whose payment they registered, or of the supplier they act for (403 own_request).
 * Above APPROVAL_THRESHOLD_EARLY_PAYMENT (the new value) approving needs two different operators:
 * the first approval is recorded and the anticipation stays PC; the second completes it. A denial
 * ends it at once.
 */
export function createAnticipationDecisions(context: PaymentsContext) {
  const { db, clock, audit, approvals, settings } = context
  const { earlyPayments } = settings

  async function assertNotOwn(tx: PaymentsDb, actor: Actor, id: number): Promise<void> {
    const parties = await repository.partiesOfAnticipation(tx, id)
    const own = [parties?.requested_by, parties?.registered_by, parties?.supplier_user]
    if (own.includes(actor.userId)) throw new AppError('forbidden', 'own_request', OWN_REQUEST)
  }

  /**
   * A decision, with the request log, the early payment, the audit event and the supplier's email in
   * one transaction. The row is locked so approvals are counted one at a time; the conditional update
   * still settles two decisions at once (one 200, one 409).
   */
  async function decideAnticipation(party: Party, id: number, status: 'A' | 'D'): Promise<Anticipation> {
    const today = clock.today()
    const now = clock.now()
    const destination = status === 'A' ? await earlyPaymentDestination(id) : undefined
    const row = await transaction(db, async (tx) => {
      const locked = await repository.lockAnticipation(tx, id)
      if (!locked) throw notFound('Anticipation')
      await assertNotOwn(tx, party.actor, id)
      if (locked.status !== 'PC') throw alreadyDecided(locked)
      if (status === 'A' && locked.new_due_date < today) throw expired()
      const required = approvalsRequiredFor(context, locked)
      const subject = { type: 'anticipation', id } as const
      const approvers = status === 'A' ? await approvals.approve(tx, subject, party.actor, required) : []
      if (!approvers) return locked
      const decided = await repository.decideAnticipation(tx, { id, status, today, now })
      if (!decided) {
        const current = (await repository.findAnticipation(tx, id)) ?? locked
        throw current.status !== 'PC' ? alreadyDecided(current) : expired()
      }
      await repository.insertLog(tx, { anticipationId: id, userId: party.actor.userId, action: status, now })
      const amount = formatMoney(decided.new_value)
      if (destination && earlyPayments) {
        await earlyPayments.record(tx, { anticipationId: id, amount, destination, approvers }, party.actor)
      }
      await audit.record(tx, {
        actor: party.actor,
        action: status === 'A' ? 'anticipation.approved' : 'anticipation.denied',
        subject: { type: 'anticipation', id },
        changes: { status, new_value: amount, approvers },
      })
      await notifySupplier(context, tx, status, id)
      return decided
    })
    return toAnticipation(context, row)
  }

  /**
   * Where approving an anticipation pays it early. Looked up before the decision's transaction:
   * another module's query inside it would wait for the connection it holds (PGlite has only one).
   */
  async function earlyPaymentDestination(anticipationId: number) {
    if (!earlyPayments) return undefined
    const anticipation = await repository.findAnticipation(db, anticipationId)
    const supplier = anticipation && (await findSupplier(db, anticipation.supplier_id))
    return supplier ? earlyPayments.destination(supplier.company_id) : undefined
  }

  return { decideAnticipation }
}

function alreadyDecided(row: AnticipationRow): AppError {
  return conflict(
    'anticipation_already_decided',
    `This anticipation was already ${row.status === 'A' ? 'approved' : 'denied'}.`,
  )
}

function expired(): AppError {
  return conflict(
    'anticipation_expired',
    'The new due date has passed: this anticipation can no longer be approved, only denied.',
  )
}
