import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import type { Clock } from '../clock.ts'
import type { QueryRunner } from '../database/transaction.ts'
import { defineJob, type Jobs } from '../jobs/jobs.ts'
import type { EmailMessage, Mailer } from './mailer.ts'

type EmailTables = {
  email_deliveries: { job_id: string; recipient: string; subject: string; message_id: string; sent_at: Date }
}

const EmailPayload = Type.Object({
  to: Type.String({ minLength: 3, maxLength: 254 }),
  subject: Type.String({ minLength: 1, maxLength: 300 }),
  html: Type.String(),
  text: Type.String(),
})

/**
 * Email goes out only through this job, never inside a request. Idempotent: the delivery is recorded
 * under the job's id, and a retry of a job that already delivered does nothing. (A crash between the
 * hand-over and the record can still send twice; the Message-ID, stable per job, lets receivers
 * recognise that duplicate.)
 */
export function sendEmailJob(
  mailer: Mailer,
  database: Kysely<object>,
  clock: Clock,
  messageIdDomain: string,
) {
  const db = database.$extendTables<EmailTables>()
  return defineJob({
    name: 'send-email',
    payload: EmailPayload,
    retryLimit: 8,
    retryDelaySeconds: 30,
    handle: async (email, { jobId, logger, untilDatabaseAnswers }) => {
      const delivered = await db
        .selectFrom('email_deliveries')
        .select('message_id')
        .where('job_id', '=', jobId)
        .executeTakeFirst()
      if (delivered) {
        logger.info({ messageId: delivered.message_id }, 'email already delivered; nothing to do')
        return
      }
      const { messageId } = await mailer.send({ ...email, messageId: `<${jobId}@${messageIdDomain}>` })
      const sentAt = clock.now()
      // Handed over: a database that went away meanwhile is waited for, rather than the email sent again.
      await untilDatabaseAnswers(() =>
        db
          .insertInto('email_deliveries')
          .values({
            job_id: jobId,
            recipient: email.to,
            subject: email.subject,
            message_id: messageId,
            sent_at: sentAt,
          })
          .onConflict((oc) => oc.column('job_id').doNothing())
          .execute(),
      )
    },
  })
}

export type SendEmailJob = ReturnType<typeof sendEmailJob>

/** How modules send email: enqueue it in the transaction of the change it reports. */
export interface Emails {
  /** `id`: the send-email job's id, for a caller that must enqueue once however often it runs. */
  enqueue(message: EmailMessage, executor: QueryRunner, options?: { id?: string }): Promise<void>
}

export function createEmails(jobs: Jobs, job: SendEmailJob): Emails {
  return {
    async enqueue(message, executor, options = {}) {
      await jobs.send(
        job,
        { to: message.to, subject: message.subject, html: message.html, text: message.text },
        { executor, ...(options.id ? { id: options.id } : {}) },
      )
    },
  }
}
