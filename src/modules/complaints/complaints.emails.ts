import type { EmailMessage } from '../../platform/email/mailer.ts'
import { renderEmail } from '../../platform/email/templates.ts'

export interface ComplaintFacts {
  id: number
  title: string
  amount: string
  currency: string
  reason: string | null
}

/** The email a complainer gets when their complaint is approved or rejected. */
export function decisionEmail(
  to: { email: string; first_name: string },
  decision: 'approved' | 'rejected',
  facts: ComplaintFacts,
): EmailMessage {
  const common: [string, string][] = [
    ['Complaint', `#${facts.id}`],
    ['Title', facts.title],
  ]
  if (decision === 'approved') {
    return renderEmail(to.email, {
      subject: 'Your complaint was approved',
      greeting: `Hello ${to.first_name},`,
      paragraphs: [
        `Your complaint was approved: ${facts.amount} ${facts.currency} will be refunded to the IBAN on your profile.`,
      ],
      facts: [...common, ['Refund', `${facts.amount} ${facts.currency}`]],
      footnote: 'You receive this because you filed this complaint in Bureau.',
    })
  }
  return renderEmail(to.email, {
    subject: 'Your complaint was rejected',
    greeting: `Hello ${to.first_name},`,
    paragraphs: ['Your complaint was rejected, so no refund will be paid.'],
    facts: [...common, ['Reason', facts.reason ?? 'No reason was given.']],
    footnote: 'You receive this because you filed this complaint in Bureau.',
  })
}
