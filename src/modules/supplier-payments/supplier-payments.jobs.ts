import { Type } from 'typebox'
import type { Emails } from '../../platform/email/email-job.ts'
import { defineJob, derivedJobId } from '../../platform/jobs/jobs.ts'
import { formatMoney } from '../../platform/validation/money.ts'
import { anticipationEmail, importSummaryEmail } from './supplier-payments.emails.ts'
import * as repository from './supplier-payments.repository.ts'
import { findSupplier } from './suppliers.repository.ts'
import type { PaymentsDb } from './supplier-payments.repository.ts'

/** Who to email for a user (the auth module's contact details), and whether they proved that address. */
export interface Contacts {
  contactOf(
    userId: number,
  ): Promise<{ email: string; first_name: string; email_verified: boolean } | undefined>
}

export const NotifySupplierPayload = Type.Object({
  anticipationId: Type.Integer({ minimum: 1 }),
  event: Type.Union([Type.Literal('R'), Type.Literal('A'), Type.Literal('D')]),
})

/**
 * Emails the supplier's user about a request (R), an approval (A) or a denial (D). Enqueued in the
 * transaction of the change, so it exists if and only if the change committed; the email it enqueues
 * carries an id derived from this job's, so a second run sends nothing more.
 */
export function notifySupplierJob(db: PaymentsDb, emails: Emails, contacts: Contacts, currency: string) {
  return defineJob({
    name: 'supplier-payments.notify-supplier',
    payload: NotifySupplierPayload,
    retryLimit: 8,
    retryDelaySeconds: 30,
    handle: async ({ anticipationId, event }, { jobId }) => {
      const anticipation = await repository.findAnticipation(db, anticipationId)
      if (!anticipation) return
      const supplier = await findSupplier(db, anticipation.supplier_id)
      const contact = supplier ? await contacts.contactOf(supplier.user_id) : undefined
      if (!contact) return
      const message = anticipationEmail(contact, event, {
        paymentId: anticipation.payment_id,
        dueDate: anticipation.due_date,
        value: formatMoney(anticipation.value),
        newDueDate: anticipation.new_due_date,
        newValue: formatMoney(anticipation.new_value),
        currency,
      })
      await emails.enqueue(message, db, { id: derivedJobId(jobId, 'email') })
    },
  })
}

export type NotifySupplierJob = ReturnType<typeof notifySupplierJob>

/**
 * Every minute, folds the count rows writers kept apart (one slot per database connection, so that
 * they never wait for each other) into the totals, so a count keeps reading about one row per status
 * and due date. Counts are exact with or without it; folding twice does no harm.
 */
export function foldPaymentCountsJob(db: PaymentsDb) {
  return defineJob({
    name: 'supplier-payments.fold-payment-counts',
    payload: Type.Object({}),
    cron: '* * * * *',
    retryLimit: 2,
    handle: async () => {
      await repository.foldPaymentCounts(db)
    },
  })
}

export const ImportSummaryPayload = Type.Object({
  supplierId: Type.Integer({ minimum: 1 }),
  payments: Type.Integer({ minimum: 1 }),
  total: Type.String({ pattern: '^\\d+\\.\\d{2}$' }),
  firstDueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  lastDueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
})

/**
 * Emails a supplier's user once about the payments an import registered for them (never once per
 * payment). Enqueued in the import's transaction; the email's id is derived from this job's.
 */
export function importSummaryJob(db: PaymentsDb, emails: Emails, contacts: Contacts, currency: string) {
  return defineJob({
    name: 'supplier-payments.import-summary',
    payload: ImportSummaryPayload,
    retryLimit: 8,
    retryDelaySeconds: 30,
    handle: async (summary, { jobId }) => {
      const supplier = await findSupplier(db, summary.supplierId)
      const contact = supplier ? await contacts.contactOf(supplier.user_id) : undefined
      if (!contact) return
      const message = importSummaryEmail(contact, { ...summary, currency })
      await emails.enqueue(message, db, { id: derivedJobId(jobId, 'email') })
    },
  })
}

export type ImportSummaryJob = ReturnType<typeof importSummaryJob>
