import type pg from 'pg'
import type { SmtpCapture } from '../helpers/smtp.ts'

/*
 * "Nothing lost, nothing twice", as the outside world and the database see it.
 */

/**
 * The emails `recipient` received with `subject`, one per Message-ID: an email job sets a Message-ID
 * of its own, so a resend after a crash between the hand-over and its record is recognisable.
 */
export function uniqueMessages(smtp: SmtpCapture, recipient: string, subject: string): string[] {
  const ids = smtp.messages
    .filter((message) => message.recipients.includes(recipient) && message.parsed.subject === subject)
    .map((message) => message.parsed.messageId ?? message.raw)
  return [...new Set(ids)]
}

/** Every email `recipient` received with `subject`, duplicates included. */
export function deliveries(smtp: SmtpCapture, recipient: string, subject: string): number {
  return smtp.messages.filter(
    (message) => message.recipients.includes(recipient) && message.parsed.subject === subject,
  ).length
}

/** Jobs of `queue` still waiting, retrying or running (pg-boss's table). */
export async function pendingJobs(sql: pg.Pool, queue: string): Promise<number> {
  const { rows } = await sql.query<{ count: number }>(
    `select count(*)::int as count from pgboss.job where name = $1 and state in ('created', 'retry', 'active')`,
    [queue],
  )
  return rows[0]?.count ?? 0
}

/** Email and payout jobs running now. */
export async function runningJobs(sql: pg.Pool): Promise<number> {
  const { rows } = await sql.query<{ count: number }>(
    `select count(*)::int as count from pgboss.job where name in ('send-email', 'fund-payout') and state = 'active'`,
  )
  return rows[0]?.count ?? 0
}
