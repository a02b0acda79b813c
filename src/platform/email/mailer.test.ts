import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { pino } from 'pino'
import PostalMime from 'postal-mime'
import { startSmtpCapture, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import type { Config } from '../../config.ts'
import { createMailer, type EmailMessage, type Mailer } from './mailer.ts'

const logger = pino({ level: 'silent' })
const FROM = 'Bureau <no-reply@bureau.test>'

// A MIME part ends with a line break before the next boundary, which parsers keep; content is compared
// without trailing line breaks.
const receipt: EmailMessage = {
  to: 'rita@example.com',
  subject: 'Reçu n° 42 — remboursement payé',
  html: '<p>Bonjour Rita,</p><p>Montant : <strong>120,00 €</strong></p>',
  text: 'Bonjour Rita,\n\nMontant : 120,00 €\n',
}

function mailerConfig(
  overrides: Partial<Config['email']>,
  dataDir = tmpdir(),
): Pick<Config, 'email' | 'dataDir'> {
  return {
    dataDir,
    email: { transport: 'outbox', from: FROM, smtpUrl: undefined, sesRegion: undefined, ...overrides },
  }
}

/** A mailer closed after the test. */
function mailerFor(t: TestContext, config: Pick<Config, 'email' | 'dataDir'>): Mailer {
  const mailer = createMailer(config, logger)
  t.after(() => {
    mailer.close()
  })
  return mailer
}

describe('the outbox transport', () => {
  let dataDir: string
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bureau-outbox-'))
  })
  after(() => rm(dataDir, { recursive: true, force: true }))

  /** The .eml files in DATA_DIR/outbox, oldest first. */
  async function outboxFiles(): Promise<string[]> {
    const names = await readdir(path.join(dataDir, 'outbox')).catch(() => [])
    return names.filter((name) => name.endsWith('.eml')).sort()
  }

  it('is the transport when none is configured', (t) => {
    assert.equal(mailerFor(t, mailerConfig({}, dataDir)).transport, 'outbox')
  })

  it('writes one .eml file under DATA_DIR/outbox that reads back as the message sent', async (t) => {
    const before = await outboxFiles()
    const { messageId } = await mailerFor(t, mailerConfig({}, dataDir)).send(receipt)

    const written = (await outboxFiles()).filter((name) => !before.includes(name))
    assert.equal(written.length, 1)
    const parsed = await PostalMime.parse(await readFile(path.join(dataDir, 'outbox', written[0]!)))
    assert.deepEqual(parsed.from, { name: 'Bureau', address: 'no-reply@bureau.test' })
    assert.deepEqual(parsed.to, [{ name: '', address: 'rita@example.com' }])
    assert.equal(parsed.subject, receipt.subject)
    assert.equal(parsed.messageId, messageId)
    assert.equal(parsed.html?.trimEnd(), receipt.html.trimEnd())
    assert.equal(parsed.text?.trimEnd(), receipt.text.trimEnd())
  })

  it('writes each message to a file of its own', async (t) => {
    const mailer = mailerFor(t, mailerConfig({}, dataDir))
    const before = await outboxFiles()
    await mailer.send(receipt)
    await mailer.send({ ...receipt, subject: 'A second one' })
    assert.equal((await outboxFiles()).length, before.length + 2)
  })
})

describe('the SMTP transport', () => {
  let smtp: SmtpCapture
  before(async () => {
    smtp = await startSmtpCapture()
  })
  after(() => smtp.close())

  /** Sends `message` over SMTP and returns what the server received. */
  async function deliver(t: TestContext, message: EmailMessage) {
    const mailer = mailerFor(t, mailerConfig({ transport: 'smtp', smtpUrl: smtp.url }))
    assert.equal(mailer.transport, 'smtp')
    const sent = await mailer.send(message)
    const delivered = smtp.messages.filter((captured) => captured.parsed.messageId === sent.messageId)
    assert.equal(delivered.length, 1, 'the server received the message once')
    return { sent, received: delivered[0]! }
  }

  it('delivers to the recipient, from EMAIL_FROM, with the subject', async (t) => {
    const { received } = await deliver(t, receipt)
    assert.deepEqual(received.recipients, ['rita@example.com'])
    assert.deepEqual(received.parsed.from, { name: 'Bureau', address: 'no-reply@bureau.test' })
    assert.deepEqual(received.parsed.to, [{ name: '', address: 'rita@example.com' }])
    assert.equal(received.parsed.subject, receipt.subject)
  })

  it('sends a text/plain and a text/html alternative with the content', async (t) => {
    const { received } = await deliver(t, receipt)
    assert.match(received.raw, /^Content-Type: multipart\/alternative;/im)
    assert.match(received.raw, /^Content-Type: text\/plain; charset=utf-8/im)
    assert.match(received.raw, /^Content-Type: text\/html; charset=utf-8/im)
    assert.equal(received.parsed.text?.trimEnd(), receipt.text.trimEnd())
    assert.equal(received.parsed.html?.trimEnd(), receipt.html.trimEnd())
  })

  it('uses the Message-ID it is given', async (t) => {
    const { sent, received } = await deliver(t, { ...receipt, messageId: '<job-42@bureau.test>' })
    assert.equal(sent.messageId, '<job-42@bureau.test>')
    assert.equal(received.parsed.messageId, '<job-42@bureau.test>')
  })

  it('makes up a Message-ID when given none, and returns it', async (t) => {
    const { sent, received } = await deliver(t, receipt)
    assert.match(sent.messageId, /^<[^<>@\s]+@[^<>@\s]+>$/)
    assert.equal(received.parsed.messageId, sent.messageId)
  })
})

describe('the SES transport', () => {
  it('is built from the region alone, without calling AWS', (t) => {
    const mailer = mailerFor(t, mailerConfig({ transport: 'ses', sesRegion: 'eu-west-1' }))
    assert.equal(mailer.transport, 'ses')
  })
})
