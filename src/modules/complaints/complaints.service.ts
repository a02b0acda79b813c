import type { Clock } from '../../platform/clock.ts'
import { transaction } from '../../platform/database/transaction.ts'
import type { Emails } from '../../platform/email/email-job.ts'
import { conflict, FieldErrorCollector, invalid, NON_FIELD_ERRORS, notFound } from '../../platform/errors.ts'
import { hasRole, type Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { detectImageType } from '../../platform/images/image-type.ts'
import type { Images } from '../../platform/images/images.ts'
import type { Payouts } from '../../platform/payouts/index.ts'
import { formatCents, formatMoney, parseMoney } from '../../platform/validation/money.ts'
import { decisionEmail } from './complaints.emails.ts'
import * as repository from './complaints.repository.ts'
import {
  COMPLAINT_STATUSES,
  type ComplaintRow,
  type ComplaintsDb,
  type ComplaintStatus,
} from './complaints.repository.ts'
import { PHOTO_EXTENSIONS, type Complaint, type ComplaintsQuery } from './complaints.schemas.ts'

/** Who complains and is refunded: the auth module's view of a user. */
export interface People {
  profileOf(
    userId: number,
  ): Promise<{ email: string; first_name: string; last_name: string; iban: string | null } | undefined>
}

/** A complaint as filed, from JSON (base64 photo and its extension) or from a multipart form. */
export interface ComplaintInput {
  title: string
  description: string
  amount: string | number
  photo: Buffer
  /** The extension the client named (JSON); a multipart file is judged by its bytes only. */
  extension?: string
}

export interface ComplaintsSettings {
  currency: string
}

const PURPOSE = 'complaint_refund'
const AMOUNT_BELOW = '100000.01'
const NO_IBAN =
  'Add an IBAN to your profile (PATCH /api/auth/me) before filing a complaint: refunds are paid to it.'
const EXTENSION_TYPES: Record<string, string> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' }

export type ComplaintsService = ReturnType<typeof createComplaintsService>

export function createComplaintsService(
  db: ComplaintsDb,
  deps: { clock: Clock; images: Images; payouts: Payouts; emails: Emails; people: People },
  settings: ComplaintsSettings,
) {
  const { clock, images, payouts, emails, people } = deps

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
    const urls = await images.urls(rows.map((row) => row.photo_image_id))
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
    const { count, rows } = await repository.listComplaints(
      db,
      { complainerId: seesAll(actor) ? undefined : actor.userId, status },
      page,
    )
    return { count, results: await toComplaints(rows) }
  }

  async function getComplaint(actor: Actor, id: number): Promise<Complaint> {
    return toComplaint(await visibleRow(actor, id))
  }

  /**
   * Files a complaint: the photo (checked, stored, resizing enqueued), the complaint, its pending
   * refund payout and the payout's preparation, all in one transaction.
   */
  async function fileComplaint(actor: Actor, input: ComplaintInput): Promise<Complaint> {
    // Asked before the transaction opens: on PGlite another module's query inside it would wait for
    // the one connection the transaction holds.
    const profile = await people.profileOf(actor.userId)
    const iban = profile?.iban
    if (!profile || !iban) throw invalid(NON_FIELD_ERRORS, NO_IBAN)
    const fields = new FieldErrorCollector()
    const title = input.title.trim()
    if (title === '') fields.add('title', 'This field may not be blank.')
    if (title.length > 100) fields.add('title', 'Ensure this field has no more than 100 characters.')
    const description = input.description.trim()
    if (description.length > 2000) {
      fields.add('description', 'Ensure this field has no more than 2000 characters.')
    }
    const amount = parseMoney(input.amount, { min: '0', exclusiveMin: true, below: AMOUNT_BELOW })
    if (typeof amount === 'string') {
      fields.add('amount', amount.replace(`less than ${AMOUNT_BELOW}`, 'at most 100000.00'))
    }
    if (input.extension !== undefined) checkExtension(input.extension, input.photo, fields)
    fields.throwIfAny()
    if (typeof amount === 'string') throw invalid('amount', amount)
    const stored = await images.store(input.photo, 'photo')
    const row = await transaction(db, async (tx) => {
      const photo = await images.record(stored, tx)
      const complaint = await repository.insertComplaint(tx, {
        title,
        description,
        amount: formatCents(amount),
        currency: settings.currency,
        photoImageId: photo.id,
        complainerId: actor.userId,
        now: clock.now(),
      })
      await payouts.create(tx, {
        purpose: PURPOSE,
        subjectId: complaint.id,
        amount: formatCents(amount),
        currency: settings.currency,
        recipient: { holder_name: `${profile.first_name} ${profile.last_name}`.trim(), iban },
      })
      return complaint
    })
    return toComplaint(row)
  }

  /**
   * An approver approves or rejects a pending complaint, once (one conditional update; a second
   * decision is a 409). With it, in one transaction: the refund payout is approved (its funding
   * enqueued) or cancelled, and the complainer's email is enqueued.
   */
  async function decide(
    actor: Actor,
    id: number,
    decision: 'approved' | 'rejected',
    reason: string | null,
  ): Promise<Complaint> {
    const complaint = await repository.findComplaint(db, id)
    if (!complaint) throw notFound('Complaint')
    const contact = await people.profileOf(complaint.complainer_id)
    const row = await transaction(db, async (tx) => {
      const decided = await repository.decideComplaint(tx, {
        id,
        status: decision,
        by: actor.userId,
        reason,
        now: clock.now(),
      })
      if (!decided) {
        const current = (await repository.findComplaint(tx, id)) ?? complaint
        throw conflict('complaint_already_decided', `This complaint was already ${current.status}.`)
      }
      if (decision === 'approved') await payouts.approve(tx, PURPOSE, id)
      else await payouts.cancel(tx, PURPOSE, id)
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
    return toComplaint(row)
  }

  async function approveComplaint(actor: Actor, id: number): Promise<Complaint> {
    return decide(actor, id, 'approved', null)
  }

  async function rejectComplaint(actor: Actor, id: number, reason: string | undefined): Promise<Complaint> {
    const text = reason?.trim() ?? ''
    return decide(actor, id, 'rejected', text === '' ? null : text)
  }

  /** Deletes a complaint and cancels its refund; once the refund's funding started, 409. */
  async function deleteComplaint(id: number): Promise<void> {
    await transaction(db, async (tx) => {
      if (!(await repository.lockComplaint(tx, id))) throw notFound('Complaint')
      if ((await payouts.cancel(tx, PURPOSE, id)) === 'funded') {
        throw conflict(
          'complaint_refund_funded',
          'The refund of this complaint was already paid out; it can no longer be deleted.',
        )
      }
      await repository.deleteComplaint(tx, id)
    })
  }

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

function parseStatus(status: string | undefined): ComplaintStatus | undefined {
  if (status === undefined) return undefined
  if ((COMPLAINT_STATUSES as readonly string[]).includes(status)) return status as ComplaintStatus
  throw invalid('status', `Select a valid choice: ${COMPLAINT_STATUSES.join(', ')}.`)
}

/** The extension must be an image's, and the one of the photo's bytes (a PNG named .jpg is refused). */
function checkExtension(extension: string, photo: Buffer, fields: FieldErrorCollector): void {
  const named = extension.trim().toLowerCase().replace(/^\./, '')
  const expected = EXTENSION_TYPES[named]
  if (expected === undefined) {
    fields.add('extension', `Select a valid choice: ${PHOTO_EXTENSIONS.join(', ')}.`)
    return
  }
  const actual = detectImageType(photo)
  if (actual !== undefined && actual !== expected) {
    fields.add('extension', `The photo is a ${actual.toUpperCase()} image, not ${named}.`)
  }
}

/** Base64 text (optionally a data: URL) → bytes, or undefined when it is not base64. */
export function decodePhoto(encoded: string): Buffer | undefined {
  const text = encoded.replace(/^data:[\w/+.-]+;base64,/, '').replace(/\s+/g, '')
  if (text === '' || text.length % 4 === 1 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined
  return Buffer.from(text, 'base64')
}
