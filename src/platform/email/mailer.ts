import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2'
import { createTransport } from 'nodemailer'
import type { Config } from '../../config.ts'
import type { Logger } from '../telemetry/logger.ts'

/** A rendered email: both parts come from one template (see templates.ts). */
export interface EmailMessage {
  to: string
  subject: string
  html: string
  text: string
  /** Stable across retries, so a receiving system can recognise a duplicate delivery. */
  messageId?: string
}

export interface Mailer {
  readonly transport: Config['email']['transport']
  send(message: EmailMessage): Promise<{ messageId: string }>
  /** Closes pooled connections. */
  close(): void
}

/**
 * The configured email transport: SMTP (SendGrid, SES SMTP, Mailpit…), the SES API, or — by
 * default — an outbox folder of `.eml` files plus one log line per message, so nothing is lost and
 * nothing needs setting up.
 */
export function createMailer(config: Pick<Config, 'email' | 'dataDir'>, logger: Logger): Mailer {
  const { email } = config
  const defaults = { from: email.from }
  if (email.transport === 'smtp') {
    const transporter = createTransport(email.smtpUrl ?? '', defaults)
    return {
      transport: 'smtp',
      send: async (message) => {
        const info = await transporter.sendMail(toMail(message))
        return { messageId: info.messageId }
      },
      close: () => {
        transporter.close()
      },
    }
  }
  if (email.transport === 'ses') {
    const sesClient = new SESv2Client(email.sesRegion ? { region: email.sesRegion } : {})
    const transporter = createTransport({ SES: { sesClient, SendEmailCommand } }, defaults)
    return {
      transport: 'ses',
      send: async (message) => {
        const info = await transporter.sendMail(toMail(message))
        return { messageId: info.messageId }
      },
      close: () => {
        sesClient.destroy()
      },
    }
  }
  const outbox = path.join(config.dataDir, 'outbox')
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, defaults)
  return {
    transport: 'outbox',
    send: async (message) => {
      const info = await composer.sendMail(toMail(message))
      await mkdir(outbox, { recursive: true })
      const stamp = new Date().toISOString().replaceAll(':', '-')
      const file = path.join(outbox, `${stamp}-${randomUUID().slice(0, 8)}.eml`)
      await writeFile(file, info.message as Buffer)
      logger.info({ to: message.to, subject: message.subject, file }, 'email written to outbox')
      return { messageId: info.messageId }
    },
    close: () => undefined,
  }
}

function toMail(message: EmailMessage) {
  return {
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(message.messageId ? { messageId: message.messageId } : {}),
  }
}
