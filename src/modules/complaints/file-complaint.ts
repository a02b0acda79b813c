import { transaction } from '../../platform/database/transaction.ts'
import { AppError, FieldErrorCollector, invalid, NON_FIELD_ERRORS } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import { detectImageType } from '../../platform/images/image-type.ts'
import { formatCents, parseMoney } from '../../platform/validation/money.ts'
import * as repository from './complaints.repository.ts'
import type { ComplaintsDb } from './complaints.repository.ts'
import { PHOTO_EXTENSIONS, type Complaint } from './complaints.schemas.ts'
import { REFUND_PURPOSE, type ComplaintsContext } from './complaints.context.ts'

/** A complaint as filed, from JSON (base64 photo and its extension) or from a multipart form. */
export interface ComplaintInput {
  title: string
  description: string
  amount: string | number
  photo: Buffer
  /** The extension the client named (JSON); a multipart file is judged by its bytes only. */
  extension?: string
}

const AMOUNT_BELOW = '100000.01'
const DAY_MS = 24 * 60 * 60 * 1000
const NO_IBAN =
  'Add an IBAN to your profile (PATCH /api/auth/me) before filing a complaint: refunds are paid to it.'
const NOT_VERIFIED =
  'Verify your email address before filing a complaint: open the link we sent to your inbox, or ask for a new one with POST /api/auth/verify-email/resend.'
const EXTENSION_TYPES: Record<string, string> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' }

export function createComplaintFiling(context: ComplaintsContext) {
  const { db, clock, images, payouts, people, audit, settings } = context

  /**
   * Refuses (429) a complainer who filed COMPLAINTS_PER_DAY complaints in the last 24 hours, counted
   * in the database, so every API process sees the same count.
   */
  async function assertUnderDailyLimit(executor: ComplaintsDb, actor: Actor): Promise<void> {
    const now = clock.now()
    const filed = await repository.filedSince(executor, actor.userId, new Date(now.getTime() - DAY_MS))
    if (filed.count < settings.perDay || !filed.oldest) return
    const seconds = Math.max(1, Math.ceil((filed.oldest.getTime() + DAY_MS - now.getTime()) / 1000))
    throw new AppError(
      'rate_limited',
      'too_many_complaints',
      `You filed ${filed.count} complaints in the last 24 hours, the most allowed; try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    )
  }

  /**
   * Files a complaint: the photo (checked, stored, resizing enqueued), the complaint, its pending
   * refund payout and the payout's preparation, all in one transaction. Only people whose email is
   * verified file complaints (refunds are money), at most COMPLAINTS_PER_DAY a day each.
   */
  async function fileComplaint(actor: Actor, input: ComplaintInput): Promise<Complaint> {
    // Asked before the transaction opens: on PGlite another module's query inside it would wait for
    // the one connection the transaction holds.
    const profile = await people.profileOf(actor.userId)
    if (profile && !profile.email_verified) {
      throw new AppError('forbidden', 'email_not_verified', NOT_VERIFIED)
    }
    // Checked first without the lock, so a refused request stores no photo.
    await assertUnderDailyLimit(db, actor)
    const iban = profile?.iban
    if (!profile || !iban) throw invalid(NON_FIELD_ERRORS, NO_IBAN)
    const { title, description, amount } = checkedFields(input)
    const stored = await images.store(input.photo, 'photo')
    const row = await transaction(db, async (tx) => {
      // One filing per complainer at a time, across processes: the count below cannot be overtaken.
      await repository.lockComplainer(tx, actor.userId)
      await assertUnderDailyLimit(tx, actor)
      const photo = await images.record(stored, tx)
      const complaint = await repository.insertComplaint(tx, {
        title,
        description,
        amount,
        currency: settings.currency,
        photoImageId: photo.id,
        complainerId: actor.userId,
        now: clock.now(),
      })
      await audit.record(tx, {
        actor,
        action: 'complaint.filed',
        subject: { type: 'complaint', id: complaint.id },
        changes: { amount, currency: settings.currency },
      })
      const recipient = { holder_name: `${profile.first_name} ${profile.last_name}`.trim(), iban }
      await payouts.create(
        tx,
        { purpose: REFUND_PURPOSE, subjectId: complaint.id, amount, currency: settings.currency, recipient },
        actor,
      )
      return complaint
    })
    return context.toComplaint(row)
  }

  return { fileComplaint }
}

/** The text fields and amount, checked (every problem at once) and in stored form. */
function checkedFields(input: ComplaintInput): { title: string; description: string; amount: string } {
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
  return { title, description, amount: formatCents(amount) }
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
