import { approvalsRequired } from '../../platform/approvals/index.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { conflict, invalid, notFound } from '../../platform/errors.ts'
import { hasRole, type Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { formatMoney, toCents } from '../../platform/validation/money.ts'
import * as repository from './complaints.repository.ts'
import {
  COMPLAINT_STATUSES,
  type ComplaintRow,
  type ComplaintsDb,
  type ComplaintStatus,
} from './complaints.repository.ts'
import type { Complaint, ComplaintsQuery } from './complaints.schemas.ts'
import { REFUND_PURPOSE, type ComplaintsContext, type ComplaintsSettings } from './complaints.context.ts'
import { createComplaintDecisions } from './decide-complaint.ts'
import { createComplaintFiling } from './file-complaint.ts'

export type { People } from './complaints.context.ts'

export type ComplaintsService = ReturnType<typeof createComplaintsService>

export function createComplaintsService(
  db: ComplaintsDb,
  deps: Omit<ComplaintsContext, 'db' | 'settings' | 'toComplaint'>,
  settings: ComplaintsSettings,
) {
  const { images, payouts, approvals } = deps

  /** Approvers and admins see every complaint; anyone else their own (others' are 404). */
  function seesAll(actor: Actor): boolean {
    return hasRole(actor, 'approver', 'admin')
  }

  async function visibleRow(actor: Actor, id: number): Promise<ComplaintRow> {
    const row = await repository.findComplaint(db, id)
    if (!row || (!seesAll(actor) && row.complainer_id !== actor.userId)) throw notFound('Complaint')
    return row
  }

  async function assertVisible(actor: Actor, id: number): Promise<void> {
    await visibleRow(actor, id)
  }

  async function assertExists(id: number): Promise<void> {
    if (!(await repository.findComplaint(db, id))) throw notFound('Complaint')
  }

  async function toComplaints(rows: ComplaintRow[]): Promise<Complaint[]> {
    const ids = rows.map((row) => row.id)
    const [urls, given] = await Promise.all([
      images.urls(rows.map((row) => row.photo_image_id)),
      approvals.listFor(db, 'complaint', ids),
    ])
    return rows.map((row) => {
      const photo = urls.get(row.photo_image_id)
      return {
        id: row.id,
        title: row.title,
        description: row.description,
        photo_url: photo?.original ?? '',
        photo_variants: photo?.variants ?? [],
        amount: formatMoney(row.amount),
        currency: row.currency,
        status: row.status,
        created_at: row.created_at.toISOString(),
        complainer: row.complainer_id,
        decided_by: row.decided_by,
        decided_at: row.decided_at?.toISOString() ?? null,
        reason: row.reason,
        approvals: given.get(row.id) ?? [],
        approvals_required: approvalsRequired(toCents(row.amount), settings.approvalThreshold),
      }
    })
  }

  async function toComplaint(row: ComplaintRow): Promise<Complaint> {
    const [complaint] = await toComplaints([row])
    if (!complaint) throw new Error('A complaint was lost while being shown.')
    return complaint
  }

  async function listComplaints(actor: Actor, query: ComplaintsQuery, page: PageRequest) {
    const status = parseStatus(query.status)
    // `mine`: the caller's own complaints, even when their roles would show them everyone's.
    const own = query.mine === true || !seesAll(actor)
    const { count, rows } = await repository.listComplaints(
      db,
      { complainerId: own ? actor.userId : undefined, status },
      page,
    )
    return { count, results: await toComplaints(rows) }
  }

  async function getComplaint(actor: Actor, id: number): Promise<Complaint> {
    return toComplaint(await visibleRow(actor, id))
  }

  /** Deletes a complaint and cancels its refund; once the refund's funding started, 409. */
  async function deleteComplaint(actor: Actor, id: number): Promise<void> {
    await transaction(db, async (tx) => {
      if (!(await repository.lockComplaint(tx, id))) throw notFound('Complaint')
      if (
        (await payouts.cancel(tx, { purpose: REFUND_PURPOSE, subjectId: id }, actor)) === 'funding_started'
      ) {
        const refund = await payouts.findBySubject(tx, REFUND_PURPOSE, id)
        throw conflict('complaint_refund_funded', refundFundedMessage(refund?.status))
      }
      await repository.deleteComplaint(tx, id)
    })
  }

  const context: ComplaintsContext = { db, ...deps, settings, toComplaint }
  const { fileComplaint } = createComplaintFiling(context)
  const { approveComplaint, rejectComplaint } = createComplaintDecisions(context)

  return {
    assertVisible,
    assertExists,
    listComplaints,
    getComplaint,
    fileComplaint,
    approveComplaint,
    rejectComplaint,
    deleteComplaint,
  }
}

/** Why a complaint whose refund's funding started stays, with the refund's real status. */
function refundFundedMessage(status: string | undefined): string {
  const stays = 'the complaint can no longer be deleted.'
  if (status === 'funded' || status === 'completed')
    return `The refund of this complaint is ${status}; ${stays}`
  return `The refund of this complaint is ${status ?? 'unknown'}, but its funding started at the provider and may have gone through; ${stays}`
}

function parseStatus(status: string | undefined): ComplaintStatus | undefined {
  if (status === undefined) return undefined
  if ((COMPLAINT_STATUSES as readonly string[]).includes(status)) return status as ComplaintStatus
  throw invalid('status', `Select a valid choice: ${COMPLAINT_STATUSES.join(', ')}.`)
}
