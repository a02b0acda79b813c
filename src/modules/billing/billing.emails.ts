import type { EmailMessage } from '../../platform/email/mailer.ts'
import { renderEmail } from '../../platform/email/templates.ts'
import { formatCents } from '../../platform/validation/money.ts'
import type { RefundRow } from './billing.repository.ts'

/**
 * The guest paid after their booking expired (unpaid in time) or was cancelled, and its rooms could
 * not be kept: the payment is given back in full.
 */
export function latePaymentRefundEmail(
  to: { email: string; first_name: string },
  refund: Pick<RefundRow, 'booking_id' | 'amount_cents' | 'currency'>,
): EmailMessage {
  return renderEmail(to.email, {
    subject: 'Payment refunded',
    greeting: `Hello ${to.first_name},`,
    paragraphs: [
      'Your payment arrived after your booking had expired or been cancelled, and its room was no longer free. We are refunding the whole payment to your card; nothing was booked.',
    ],
    facts: [
      ['Booking', `#${refund.booking_id}`],
      ['Refund', `${formatCents(BigInt(refund.amount_cents))} ${refund.currency}`],
    ],
    footnote: 'You receive this because you paid for a stay in Bureau.',
  })
}
