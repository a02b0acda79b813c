import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { pino } from 'pino'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { startSmtpCapture, type CapturedEmail, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import { fixedClock } from '../clock.ts'
import type { Database } from '../database/database.ts'
import { transaction } from '../database/transaction.ts'
import { createJobs, type Jobs } from '../jobs/jobs.ts'
import { createEmails, sendEmailJob, type Emails, type SendEmailJob } from './email-job.ts'
import { createMailer, type EmailMessage, type Mailer } from './mailer.ts'

const logger = pino({ level: 'silent' })
const clock = fixedClock('2026-03-02T12:00:00Z')

let database: Database
let smtp: SmtpCapture
let mailer: Mailer
let job: SendEmailJob
let jobs: Jobs
let emails: Emails

before(async () => {
  database = await createTestDatabase()
  smtp = await startSmtpCapture()
  mailer = createMailer(
    {
      dataDir: 'unused',
      email: {
        transport: 'smtp',
        from: 'Bureau <no-reply@bureau.test>',
        smtpUrl: smtp.url,
        sesRegion: undefined,
      },
    },
    logger,
  )
  job = sendEmailJob(mailer, database.db, clock, 'bureau.test')
  jobs = createJobs(database, logger, { maintenance: false })
  jobs.register([job])
  await jobs.start()
  emails = createEmails(jobs, job)
})
after(async () => {
  await jobs.stop(10_000)
  mailer.close()
  await smtp.close()
  await database.close()
})

/** An email to a recipient no other test writes to. */
function emailToSomeone(): EmailMessage {
  const to = `rita-${randomBytes(4).toString('hex')}@example.com`
  return { to, subject: 'Your booking is confirmed', html: '<p>See you soon.</p>', text: 'See you soon.\n' }
}

/** A database that always answers: steps run once. */
const untilDatabaseAnswers = <T>(work: () => Promise<T>): Promise<T> => work()

function deliveredTo(to: string): CapturedEmail[] {
  return smtp.messages.filter((message) => message.recipients.includes(to))
}

describe('the send-email job', () => {
  it('run twice for the same job, sends the email once', async () => {
    const email = emailToSomeone()
    const context = { jobId: randomUUID(), attempt: 1, final: false, logger, untilDatabaseAnswers }
    await job.handle(email, context)
    await job.handle(email, { ...context, attempt: 2 })
    assert.equal(deliveredTo(email.to).length, 1)
  })

  it('gives the email the Message-ID <job id@domain>, which a retry repeats', async () => {
    const email = emailToSomeone()
    const jobId = randomUUID()
    await job.handle(email, { jobId, attempt: 1, final: false, logger, untilDatabaseAnswers })
    assert.equal(deliveredTo(email.to)[0]?.parsed.messageId, `<${jobId}@bureau.test>`)
  })

  it('records the delivery under the job id, at the time the clock gives', async () => {
    const email = emailToSomeone()
    const jobId = randomUUID()
    await job.handle(email, { jobId, attempt: 1, final: false, logger, untilDatabaseAnswers })
    const { rows } = await sql<{ recipient: string; subject: string; message_id: string; sent_at: Date }>`
      select recipient, subject, message_id, sent_at from email_deliveries where job_id = ${jobId}`.execute(
      database.db,
    )
    assert.deepEqual(rows, [
      {
        recipient: email.to,
        subject: email.subject,
        message_id: `<${jobId}@bureau.test>`,
        sent_at: clock.now(),
      },
    ])
  })
})

describe('enqueuing an email', () => {
  it('in a committed transaction delivers exactly one email to the recipient', async () => {
    const email = emailToSomeone()
    await transaction(database.db, (tx) => emails.enqueue(email, tx))

    assert.equal(await jobs.drain(), 1)
    assert.equal(await jobs.drain(), 0)
    assert.deepEqual(
      deliveredTo(email.to).map(({ parsed }) => ({ subject: parsed.subject, text: parsed.text?.trimEnd() })),
      [{ subject: 'Your booking is confirmed', text: 'See you soon.' }],
    )
  })

  it('in a rolled-back transaction delivers nothing', async () => {
    const email = emailToSomeone()
    await assert.rejects(
      transaction(database.db, async (tx) => {
        await emails.enqueue(email, tx)
        throw new Error('the booking is refused')
      }),
      /the booking is refused/,
    )

    assert.equal(await jobs.drain(), 0)
    assert.deepEqual(deliveredTo(email.to), [])
  })
})
