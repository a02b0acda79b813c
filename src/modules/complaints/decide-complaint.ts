import { approvalsRequired } from '../../platform/approvals/index.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { AppError, conflict, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import { formatMoney, toCents } from '../../platform/validation/money.ts'
import { decisionEmail } from './complaints.emails.ts'
import { REFUND_PURPOSE, type ComplaintsContext } from './complaints.context.ts'
import * as repository from './complaints.repository.ts'
import type { ComplaintRow } from './complaints.repository.ts'
import type { Complaint } from './complaints.schemas.ts'

type Decision = 'approved' | 'rejected'

/**
 * Approvers decide pending complaints. Nobody decides their own complaint (403 own_request). Above
 * APPROVAL_THRESHOLD_COMPLAINT_REFUND an approval needs two different approvers: the first is
 * recorded and the complaint stays pending; the second completes it. A rejection ends it at once.
 */
export function createComplaintDecisions(context: ComplaintsContext) {
  const { db, clock, payouts, emails, people, audit, approvals, settings } = context

  /**
   * Decides a pending complaint, with its consequences in one transaction: the refund payout
   * approved (its funding enqueued) or cancelled, the complainer's email, the audit event. The row is
   * locked so approvals of one complaint are counted one at a time; the conditional update still
   * settles two decisions at once (one 200, one 409).
   */
  async function decide(actor: Actor, id: number, decision: Decision, reason: string | null) {
    const complaint = await repository.findComplaint(db, id)
    if (!complaint) throw notFound('Complaint')
    // Asked before the transaction: another module's query inside it would wait on PGlite.
    const contact = await people.profileOf(complaint.complainer_id)
    const row = await transaction(db, async (tx) => {
      const locked = await repository.lockComplaint(tx, id)
      if (!locked) throw notFound('Complaint')
      // Separation of duties, whatever the caller's roles: nobody decides their own request.
      if (locked.complainer_id === actor.userId) {
        throw new AppError(
          'forbidden',
          'own_request',
          'You filed this complaint; another approver decides it.',
        )
      }
      if (locked.status !== 'pending') throw alreadyDecided(locked)
      const required = approvalsRequired(toCents(locked.amount), settings.approvalThreshold)
      const subject = { type: 'complaint', id } as const
      const approvers = decision === 'approved' ? await approvals.approve(tx, subject, actor, required) : []
      if (!approvers) return locked
      const decided = await repository.decideComplaint(tx, {
        id,
        status: decision,
        by: actor.userId,
        reason,
        now: clock.now(),
      })
      if (!decided) throw alreadyDecided((await repository.findComplaint(tx, id)) ?? locked)
      const refund = { purpose: REFUND_PURPOSE, subjectId: id } as const
      if (decision === 'approved') await payouts.approve(tx, refund, approvers, actor)
      else await payouts.cancel(tx, refund, actor)
      await audit.record(tx, {
        actor,
        action: `complaint.${decision}`,
        subject: { type: 'complaint', id },
        changes: { status: decision, amount: formatMoney(decided.amount), approvers, reason },
      })
      if (contact) {
        const facts = {
          id,
          title: decided.title,
          amount: formatMoney(decided.amount),
          currency: decided.currency,
          reason: decided.reason,
        }
        await emails.enqueue(decisionEmail(contact, decision, facts), tx)
      }
      return decided
    })
    return context.toComplaint(row)
  }

  async function approveComplaint(actor: Actor, id: number): Promise<Complaint> {
    return decide(actor, id, 'approved', null)
  }

  async function rejectComplaint(actor: Actor, id: number, reason: string | undefined): Promise<Complaint> {
    const text = reason?.trim() ?? ''
    return decide(actor, id, 'rejected', text === '' ? null : text)
  }

  return { approveComplaint, rejectComplaint }
}

function alreadyDecided(row: ComplaintRow): AppError {
  return conflict('complaint_already_decided', `This complaint was already ${row.status}.`)
}
