import type { EmailMessage } from '../../platform/email/mailer.ts'
import { renderEmail } from '../../platform/email/templates.ts'

export interface AnticipationFacts {
  paymentId: number
  dueDate: string
  value: string
  newDueDate: string
  newValue: string
  currency: string
}

const SUBJECTS = {
  R: 'New anticipation requested.',
  A: 'Anticipation approved.',
  D: 'Anticipation denied.',
} as const

const SUMMARIES = {
  R: 'An early payment was requested. An operator will approve or deny it.',
  A: 'The early payment was approved: the new value will be paid on the new due date.',
  D: 'The early payment was denied: the payment stays due on its original date, at its full value.',
} as const

/** The email a supplier's user gets when an anticipation is requested (R), approved (A) or denied (D). */
export function anticipationEmail(
  to: { email: string; first_name: string },
  event: 'R' | 'A' | 'D',
  facts: AnticipationFacts,
): EmailMessage {
  return renderEmail(to.email, {
    subject: SUBJECTS[event],
    greeting: `Hello ${to.first_name},`,
    paragraphs: [SUMMARIES[event]],
    facts: [
      ['Payment', `#${facts.paymentId}`],
      ['Due date', facts.dueDate],
      ['Value', `${facts.value} ${facts.currency}`],
      ['New due date', facts.newDueDate],
      ['New value', `${facts.newValue} ${facts.currency}`],
    ],
    footnote: 'You receive this because you act for this supplier in Bureau.',
  })
}

export interface ImportFacts {
  payments: number
  total: string
  firstDueDate: string
  lastDueDate: string
  currency: string
}

/** The one email a supplier's user gets for the payments a file imported for them. */
export function importSummaryEmail(
  to: { email: string; first_name: string },
  facts: ImportFacts,
): EmailMessage {
  const payments = facts.payments === 1 ? '1 payment' : `${facts.payments} payments`
  return renderEmail(to.email, {
    subject: 'Payments registered.',
    greeting: `Hello ${to.first_name},`,
    paragraphs: [`${payments} owed to you ${facts.payments === 1 ? 'was' : 'were'} registered.`],
    facts: [
      ['Payments', String(facts.payments)],
      ['Total', `${facts.total} ${facts.currency}`],
      ['First due date', facts.firstDueDate],
      ['Last due date', facts.lastDueDate],
    ],
    footnote: 'You receive this because you act for this supplier in Bureau.',
  })
}
