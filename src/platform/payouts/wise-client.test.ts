import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startWiseServer, type WiseServer } from '../../../test/helpers/wise-server.ts'
import { createWiseClient, WiseApiError, type WiseClient } from './wise-client.ts'

let wise: WiseServer
let client: WiseClient

before(async () => {
  wise = await startWiseServer()
  client = createWiseClient({ apiToken: wise.token, baseUrl: wise.url, retryDelayMs: 1 })
})
after(() => wise.close())

/** A recipient and a quote to pay it, as a transfer needs them. */
async function recipientAndQuote() {
  const recipient = await client.createIbanRecipient({
    profile: 202,
    accountHolderName: 'Ana Souza',
    currency: 'EUR',
    iban: 'DE89370400440532013000',
    legalType: 'PRIVATE',
  })
  const quote = await client.createQuote(202, {
    sourceCurrency: 'EUR',
    targetCurrency: 'EUR',
    targetAmount: '120.10',
    targetAccount: recipient.id,
  })
  return { recipient, quote }
}

async function rejection(promise: Promise<unknown>): Promise<WiseApiError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof WiseApiError, String(error))
    return error
  }
  assert.fail('expected the call to fail')
}

describe('the Wise client', () => {
  it('sends the API token as a bearer token', async () => {
    const profiles = await client.listProfiles()
    assert.deepEqual(
      profiles.map((profile) => profile.id),
      [101, 202],
    )
    assert.equal(wise.requests.at(-1)?.authorization, `Bearer ${wise.token}`)
  })

  it('reports a refused token as a permanent error that names the setting, not the token', async () => {
    const wrong = createWiseClient({ apiToken: 'not-the-token', baseUrl: wise.url, retryDelayMs: 1 })
    const error = await rejection(wrong.listProfiles())
    assert.equal(error.status, 401)
    assert.equal(error.permanent, true)
    assert.match(error.message, /WISE_API_TOKEN/)
    assert.doesNotMatch(error.message, /not-the-token/)
  })

  it('writes the quote’s amount as a JSON number spelt like the decimal string', async () => {
    await recipientAndQuote()
    const sent = wise.calls('POST', /\/v3\/profiles\/202\/quotes$/).at(-1)
    assert.ok(sent)
    assert.match(sent.body, /"targetAmount":120\.10[,}]/)
  })

  it('asks for a quote paid out to the recipient’s bank account, not to a Wise balance', async () => {
    await recipientAndQuote()
    const sent = wise.calls('POST', /\/v3\/profiles\/202\/quotes$/).at(-1)
    assert.ok(sent)
    assert.equal('payOut' in (JSON.parse(sent.body) as Record<string, unknown>), false)
  })

  it('creates an IBAN recipient account with the holder, currency and IBAN', async () => {
    const { recipient } = await recipientAndQuote()
    assert.deepEqual(wise.recipients.get(recipient.id), {
      id: recipient.id,
      profile: 202,
      accountHolderName: 'Ana Souza',
      currency: 'EUR',
      type: 'iban',
      details: { legalType: 'PRIVATE', IBAN: 'DE89370400440532013000' },
    })
  })

  it('gets the same transfer back for the same customerTransactionId', async () => {
    const { recipient, quote } = await recipientAndQuote()
    const transfer = {
      targetAccount: recipient.id,
      quoteUuid: quote.id,
      customerTransactionId: randomUUID(),
      reference: 'Refund 1',
    }
    const first = await client.createTransfer(transfer)
    const second = await client.createTransfer(transfer)
    assert.equal(second.id, first.id)
    assert.equal(
      [...wise.transfers.values()].filter((t) => t.customerTransactionId === transfer.customerTransactionId)
        .length,
      1,
    )
  })

  it('funds a transfer from the balance, and cancels another', async () => {
    const { recipient, quote } = await recipientAndQuote()
    const funded = await client.createTransfer({
      targetAccount: recipient.id,
      quoteUuid: quote.id,
      customerTransactionId: randomUUID(),
      reference: 'Refund 2',
    })
    const funding = await client.fundTransfer(202, funded.id)
    assert.deepEqual(funding, { type: 'BALANCE', status: 'COMPLETED', errorCode: null })
    assert.equal((await client.getTransfer(funded.id)).status, 'processing')

    const other = await recipientAndQuote()
    const cancelled = await client.createTransfer({
      targetAccount: other.recipient.id,
      quoteUuid: other.quote.id,
      customerTransactionId: randomUUID(),
      reference: 'Refund 3',
    })
    assert.equal((await client.cancelTransfer(cancelled.id)).status, 'cancelled')
  })

  it('retries a 5xx answer and succeeds', async () => {
    const before = wise.calls('GET', /^\/v1\/profiles$/).length
    wise.fault({ method: 'GET', path: /^\/v1\/profiles$/, status: 503 })
    assert.equal((await client.listProfiles()).length, 2)
    assert.equal(wise.calls('GET', /^\/v1\/profiles$/).length - before, 2)
  })

  it('gives up after its retries on repeated 5xx answers, as a transient error', async () => {
    wise.fault({ method: 'GET', path: /^\/v1\/profiles$/, status: 500, times: 3 })
    const error = await rejection(client.listProfiles())
    assert.equal(error.permanent, false)
    assert.equal(error.status, 500)
  })

  it('does not retry a refusal (4xx) and explains it with Wise’s own message', async () => {
    const before = wise.calls('POST', /^\/v1\/transfers$/).length
    const error = await rejection(
      client.createTransfer({
        targetAccount: 1,
        quoteUuid: randomUUID(),
        customerTransactionId: randomUUID(),
        reference: 'x',
      }),
    )
    assert.equal(error.status, 422)
    assert.equal(error.permanent, true)
    assert.match(error.message, /targetAccount: Unknown recipient/)
    assert.equal(wise.calls('POST', /^\/v1\/transfers$/).length - before, 1)
  })

  it('ends a request Wise does not answer with a timeout, as a transient error', async () => {
    const impatient = createWiseClient({
      apiToken: wise.token,
      baseUrl: wise.url,
      timeoutMs: 200,
      retries: 0,
    })
    wise.fault({ method: 'GET', path: /^\/v1\/profiles$/, hang: true })
    const error = await rejection(impatient.listProfiles())
    assert.equal(error.permanent, false)
    assert.match(error.message, /did not answer GET \/v1\/profiles within 200 ms/)
  })

  it('reports an unreachable Wise as a transient error', async () => {
    const nowhere = createWiseClient({ apiToken: 't', baseUrl: 'http://127.0.0.1:1', retries: 0 })
    const error = await rejection(nowhere.listProfiles())
    assert.equal(error.permanent, false)
    assert.match(error.message, /Could not reach Wise/)
  })
})
