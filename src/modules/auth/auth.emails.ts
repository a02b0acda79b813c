import { renderEmail } from '../../platform/email/templates.ts'
import type { EmailMessage } from '../../platform/email/mailer.ts'

interface Recipient {
  email: string
  first_name: string
}

export function verificationEmail(
  user: Recipient,
  link: string,
  token: string,
  validHours: number,
): EmailMessage {
  return renderEmail(user.email, {
    subject: 'Confirm your email address',
    greeting: `Hello ${user.first_name},`,
    paragraphs: [
      'Welcome to Bureau. Please confirm that this email address is yours.',
      `The link works once and for ${validHours} hours.`,
    ],
    action: { label: 'Confirm my email', url: link },
    facts: [['Verification code', token]],
    footnote:
      'You receive this because an account was created with this address. If it was not you, ignore it.',
  })
}

export function passwordResetEmail(
  user: Recipient,
  link: string,
  token: string,
  validMinutes: number,
): EmailMessage {
  return renderEmail(user.email, {
    subject: 'Reset your password',
    greeting: `Hello ${user.first_name},`,
    paragraphs: [
      'Someone asked to reset the password of your Bureau account.',
      `The link works once and for ${validMinutes} minutes. Setting a new password signs you out everywhere.`,
    ],
    action: { label: 'Choose a new password', url: link },
    facts: [['Reset code', token]],
    footnote: 'If you did not ask for this, ignore this email: your password stays as it is.',
  })
}
