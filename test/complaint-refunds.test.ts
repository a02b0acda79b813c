import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import type { JobContext } from '../src/platform/jobs/jobs.ts'
import { createPayouts } from '../src/platform/payouts/payouts.ts'
import { manualProvider, PayoutProviderError, type PayoutProvider } from '../src/platform/payouts/provider.ts'
import { createWiseClient } from '../src/platform/payouts/wise-client.ts'
import { createWiseProvider } from '../src/platform/payouts/wise-provider.ts'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import type { TestApp } from './helpers/app.ts'
import { decide, fileComplaint, REFUND_IBAN, refundOf, type ShownPayout } from './helpers/complaints.ts'
import { assertProblem } from './helpers/problems.ts'
import { startSmtpCapture, type SmtpCapture } from './helpers/smtp.ts'
import { startWiseApp, type WiseApp } from './helpers/wise-app.ts'
import type { WiseServer } from './helpers/wise-server.ts'

/*
 * Complaint refunds paid through Wise, end to end over real HTTP: the API, the jobs, the Wise client
 * and a local server speaking Wise's API.
 */

let t: TestApp
let wise: WiseServer
let smtp: SmtpCapture
let approver: SignedInUser
let operator: SignedInUser
let admin: SignedInUser

let app: WiseApp

before(async () => {
  smtp = await startSmtpCapture()
  app = await startWiseApp({ env: { SMTP_URL: smtp.url } })
  ;({ t, wise, approver, operator, admin } = app)
})
after(async () => {
  await app.close()
  await smtp.close()
})

type PayoutsTable = {
  payouts: {
    id: number
    idempotency_key: string
    provider_transfer_id: string | null
    provider: 'manual' | 'wise'
  }
}

/** What the database holds about a payout beyond the API: its idempotency key and Wise transfer. */
async function stored(id: number) {
  return t.platform.db
    .$extendTables<PayoutsTable>()
    .selectFrom('payouts')
    .select(['idempotency_key', 'provider_transfer_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

/** A payout as operators see it. */
async function payoutById(id: number): Promise<ShownPayout> {
  const response = await t.app.inject({ method: 'GET', url: `/api/payouts/${id}`, headers: operator.headers })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<ShownPayout>()
}

/** Stands for a payout created before this process's provider settings changed. */
async function createdWith(id: number, provider: 'manual' | 'wise') {
  await t.platform.db
    .$extendTables<PayoutsTable>()
    .updateTable('payouts')
    .set({ provider })
    .where('id', '=', id)
    .execute()
}

/** An early payment to a company's IBAN, approved from the start, with its fund-payout job queued. */
function earlyPayment(subjectId: number) {
  return t.platform.payouts.create(
    t.platform.db,
    {
      purpose: 'early_payment',
      subjectId,
      amount: '50.00',
      currency: 'EUR',
      recipient: { holder_name: 'Nordlicht Logistik GmbH', iban: 'DE89370400440532013000' },
      approvedBy: [1],
    },
    { system: 'test' },
  )
}

/** Wise's transfers made with a payout's idempotency key as customerTransactionId. */
async function transfersOf(payout: ShownPayout) {
  const { idempotency_key: key } = await stored(payout.id)
  return [...wise.transfers.values()].filter((transfer) => transfer.customerTransactionId === key)
}

/** The payout jobs' handlers on this app's database, with `provider` (Wise by default). */
function payoutJobs(provider?: PayoutProvider) {
  const wiseProvider = createWiseProvider(
    createWiseClient({ apiToken: wise.token, baseUrl: wise.url, retryDelayMs: 1 }),
    { profileId: undefined },
  )
  const { jobs } = createPayouts({
    db: t.platform.db,
    jobs: t.platform.jobs,
    clock: t.clock,
    audit: t.platform.audit,
    provider: provider ?? wiseProvider,
  })
  const context: JobContext = {
    jobId: 'test',
    attempt: 1,
    final: false,
    logger: pino({ level: 'silent' }),
    untilDatabaseAnswers: (work) => work(),
  }
  const run = (name: string) => async (payoutId: number) => {
    const job = jobs.find((candidate) => candidate.name === name)
    assert.ok(job)
    await job.handle({ payoutId }, context)
  }
  return { prepare: run('prepare-payout'), fund: run('fund-payout'), wiseProvider }
}

async function newComplaint(amount = '120.00') {
  const complainer = await signIn(t, [], { iban: REFUND_IBAN })
  const complaint = await fileComplaint(t, complainer, { amount })
  return { complainer, complaint }
}

describe('a complaint refunded through Wise', () => {
  it('goes complaint → transfer prepared at Wise → approved → funded, and the complainer is emailed', async () => {
    const { complainer, complaint } = await newComplaint('120.00')
    await t.platform.jobs.drain()
    const prepared = await refundOf(t, operator, complaint.id)
    assert.equal(prepared.status, 'prepared')
    assert.equal(prepared.provider, 'wise')
    const [transfer, ...more] = await transfersOf(prepared)
    assert.ok(transfer, 'a Wise transfer with the payout’s key as customerTransactionId')
    assert.deepEqual(more, [])
    assert.equal(transfer.status, 'incoming_payment_waiting')
    assert.equal((await stored(prepared.id)).provider_transfer_id, String(transfer.id))
    assert.deepEqual(wise.recipients.get(transfer.targetAccount)?.details, {
      legalType: 'PRIVATE',
      IBAN: REFUND_IBAN,
    })
    const quote = wise.quotes.get(transfer.quoteUuid)
    assert.equal(quote?.targetAmount, 120)
    assert.equal(quote.profile, 202, 'the business profile pays when WISE_PROFILE_ID is not set')

    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
    assert.equal(transfer.fundings, 1)
    const emails = smtp.messages.filter((message) => message.recipients.includes(complainer.email))
    assert.deepEqual(
      emails.map((email) => email.parsed.subject),
      ['Your complaint was approved'],
    )
  })

  it('funds once when two approvers race: one 200, one 409', async () => {
    const { complaint } = await newComplaint()
    await t.platform.jobs.drain()
    const other = await signIn(t, ['approver'])
    const answers = await Promise.all([
      decide(t, approver, complaint.id, 'approve'),
      decide(t, other, complaint.id, 'approve'),
    ])
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409])
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(payout.status, 'funded')
    assert.deepEqual(
      (await transfersOf(payout)).map((transfer) => transfer.fundings),
      [1],
    )
  })

  it('funds once when the fund-payout job runs twice', async () => {
    const { complaint } = await newComplaint()
    await decide(t, approver, complaint.id, 'approve')
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    await payoutJobs().fund(payout.id)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
    assert.deepEqual(
      (await transfersOf(payout)).map((transfer) => transfer.fundings),
      [1],
    )
  })

  it('funds once when two fund-payout runs for one payout overlap, and both end funded', async () => {
    const { complaint } = await newComplaint()
    await t.platform.jobs.drain()
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    // The worst interleaving: both runs read the transfer as unfunded, and the run whose funding Wise
    // accepts hears so only after the other run, refused, has finished.
    let reads = 0
    let bothRead: () => void = () => undefined
    const read = new Promise<void>((resolve) => {
      bothRead = resolve
    })
    let oneRunEnded: Promise<unknown> = Promise.resolve()
    const interleavingFetch: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init)
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      if (init?.method === 'GET' && /\/v1\/transfers\/\d+$/.test(url) && reads < 2) {
        reads += 1
        if (reads === 2) bothRead()
        await read
      }
      if (init?.method === 'POST' && url.endsWith('/payments') && answer.ok) await oneRunEnded
      return answer
    }
    const client = createWiseClient({ apiToken: wise.token, baseUrl: wise.url, fetch: interleavingFetch })
    const jobs = payoutJobs(createWiseProvider(client, { profileId: undefined }))
    const runs = [jobs.fund(payout.id), jobs.fund(payout.id)]
    oneRunEnded = Promise.race(runs.map((run) => run.catch(() => undefined)))
    await Promise.all(runs)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
    assert.deepEqual(
      (await transfersOf(payout)).map((transfer) => transfer.fundings),
      [1],
    )
  })

  it('funds once when the worker dies after Wise funded the transfer, before recording it', async () => {
    const { complaint } = await newComplaint()
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    const { wiseProvider } = payoutJobs()
    const dying: PayoutProvider = {
      ...wiseProvider,
      fund: async (target) => {
        await wiseProvider.fund(target)
        throw new Error('worker killed')
      },
    }
    // The approval's fund-payout job waits in the queue; this run stands for a worker that dies.
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    await assert.rejects(payoutJobs(dying).fund(payout.id), /worker killed/)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'approved')
    await payoutJobs().fund(payout.id)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
    assert.deepEqual(
      (await transfersOf(payout)).map((transfer) => transfer.fundings),
      [1],
    )
  })

  it('creates no second transfer when the worker dies between Wise’s answer and the database update', async () => {
    const { complaint } = await newComplaint()
    const payout = await refundOf(t, operator, complaint.id)
    const transfersBefore = wise.transfers.size
    const { wiseProvider } = payoutJobs()
    const dying: PayoutProvider = {
      ...wiseProvider,
      prepare: (target, record) =>
        wiseProvider.prepare(target, async (ids) => {
          if (ids.transferId !== undefined) throw new Error('worker killed')
          await record(ids)
        }),
    }
    await assert.rejects(payoutJobs(dying).prepare(payout.id), /worker killed/)
    assert.equal((await stored(payout.id)).provider_transfer_id, null)
    assert.equal((await transfersOf(payout)).length, 1)

    await payoutJobs().prepare(payout.id)
    assert.equal(wise.transfers.size - transfersBefore, 1, 'one transfer at Wise, whatever its key')
    const [transfer, ...more] = await transfersOf(payout)
    assert.deepEqual(more, [])
    assert.equal((await stored(payout.id)).provider_transfer_id, String(transfer?.id))
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'prepared')
    assert.equal(
      wise.calls('POST', /^\/v1\/accounts$/).filter((call) => call.body.includes(REFUND_IBAN)).length > 0,
      true,
    )
  })

  it('creates one transfer when Wise’s answer to the transfer is lost and the call is retried', async () => {
    const { complaint } = await newComplaint()
    const transfersBefore = wise.transfers.size
    const callsBefore = wise.calls('POST', /^\/v1\/transfers$/).length
    wise.fault({ method: 'POST', path: /^\/v1\/transfers$/, loseAnswer: true })
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(payout.status, 'prepared')
    assert.equal(wise.calls('POST', /^\/v1\/transfers$/).length - callsBefore, 2, 'asked once more')
    assert.equal(wise.transfers.size - transfersBefore, 1)
  })

  it('cancels the prepared Wise transfer when the complaint is rejected', async () => {
    const { complaint } = await newComplaint()
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(
      (await decide(t, approver, complaint.id, 'reject', { reason: 'Not covered.' })).statusCode,
      200,
    )
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'cancelled')
    assert.deepEqual(
      (await transfersOf(payout)).map((transfer) => [transfer.status, transfer.fundings]),
      [['cancelled', 0]],
    )
  })

  it('funds nothing when the complaint is deleted while its fund-payout job prepares the transfer at Wise', async () => {
    const { complaint } = await newComplaint()
    // Approved before any prepare-payout run: the fund-payout job has to prepare the transfer itself.
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    const { wiseProvider } = payoutJobs()
    const deletedMeanwhile: PayoutProvider = {
      ...wiseProvider,
      prepare: async (target, record) => {
        const ids = await wiseProvider.prepare(target, record)
        const deleted = await t.app.inject({
          method: 'DELETE',
          url: `/api/complaints/${complaint.id}`,
          headers: admin.headers,
        })
        assert.equal(deleted.statusCode, 204, deleted.body)
        return ids
      },
    }
    await payoutJobs(deletedMeanwhile).fund(payout.id)
    await t.platform.jobs.drain()
    assert.equal((await payoutById(payout.id)).status, 'cancelled')
    assert.deepEqual(
      (await transfersOf(payout)).map((transfer) => [transfer.status, transfer.fundings]),
      [['cancelled', 0]],
    )
  })

  it('fails the payout with Wise’s reason when Wise refuses, and a retry goes on from there', async () => {
    const { complaint } = await newComplaint()
    wise.fault({ method: 'POST', path: /^\/v1\/transfers$/, status: 422 })
    await t.platform.jobs.drain()
    const failed = await refundOf(t, operator, complaint.id)
    assert.equal(failed.status, 'failed')
    assert.match(failed.failure_reason ?? '', /Wise refused POST \/v1\/transfers \(422\)/)
    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${failed.id}/retry`,
      headers: operator.headers,
    })
    assert.equal(retried.statusCode, 200, retried.body)
    assert.equal(retried.json<ShownPayout>().status, 'pending')
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'prepared')
    assert.equal((await transfersOf(failed)).length, 1)
  })

  it('prepares a new transfer on retry when Wise cancelled the prepared one before approval, and funds it once', async () => {
    const { complaint } = await newComplaint()
    await t.platform.jobs.drain()
    const prepared = await refundOf(t, operator, complaint.id)
    const [expired] = await transfersOf(prepared)
    assert.ok(expired)
    const firstKey = (await stored(prepared.id)).idempotency_key
    wise.cancel(expired.id)
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    await t.platform.jobs.drain()
    const failed = await refundOf(t, operator, complaint.id)
    assert.equal(failed.status, 'failed')
    assert.match(failed.failure_reason ?? '', /Wise cancelled transfer \d+ before it was funded/)

    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${failed.id}/retry`,
      headers: operator.headers,
    })
    assert.equal(retried.json<ShownPayout>().status, 'approved', retried.body)
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
    const { idempotency_key: newKey, provider_transfer_id: transferId } = await stored(prepared.id)
    assert.notEqual(newKey, firstKey)
    const [fresh, ...more] = await transfersOf(prepared)
    assert.deepEqual(more, [])
    assert.ok(fresh && fresh.id !== expired.id)
    assert.equal(transferId, String(fresh.id))
    assert.deepEqual([fresh.status, fresh.fundings], ['processing', 1])
    assert.deepEqual([expired.status, expired.fundings], ['cancelled', 0])
  })

  it('does not let a late prepare-payout attempt fail a payout that funding took over', async () => {
    const { complaint } = await newComplaint()
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(payout.status, 'approved')
    const refusing: PayoutProvider = {
      ...payoutJobs().wiseProvider,
      prepare: () => Promise.reject(new PayoutProviderError('Refused late.', { permanent: true })),
    }
    await payoutJobs(refusing).prepare(payout.id)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'approved')
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
  })

  it('leaves the payout pending for a later attempt when Wise does not answer', async () => {
    const { complaint } = await newComplaint()
    wise.fault({ method: 'POST', path: /\/quotes$/, hang: true, times: 3 })
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(payout.status, 'pending')
    assert.equal(payout.failure_reason, null)
    await payoutJobs().prepare(payout.id)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'prepared')
  })

  it('refuses to delete a complaint whose refund was funded (409)', async () => {
    const { complaint } = await newComplaint()
    await decide(t, approver, complaint.id, 'approve')
    await t.platform.jobs.drain()
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/complaints/${complaint.id}`,
      headers: admin.headers,
    })
    assertProblem(response, 409, 'complaint_refund_funded')
  })

  it('prepares and funds an early payment, created approved, with its one fund-payout job', async () => {
    const row = await t.platform.payouts.create(
      t.platform.db,
      {
        purpose: 'early_payment',
        subjectId: 700001,
        amount: '984.00',
        currency: 'EUR',
        recipient: { holder_name: 'Nordlicht Logistik GmbH', iban: 'DE89370400440532013000' },
        approvedBy: [1],
      },
      { system: 'test' },
    )
    await t.platform.jobs.drain()
    const payout = await t.app.inject({
      method: 'GET',
      url: `/api/payouts/${row.id}`,
      headers: operator.headers,
    })
    assert.equal(payout.json<ShownPayout>().status, 'funded')
    assert.deepEqual(
      (await transfersOf(payout.json<ShownPayout>())).map((transfer) => transfer.fundings),
      [1],
    )
  })

  it('pays an early payment to its supplier company as a business recipient at Wise', async () => {
    const row = await earlyPayment(700005)
    await t.platform.jobs.drain()
    const [transfer] = await transfersOf(await payoutById(row.id))
    assert.ok(transfer)
    assert.deepEqual(wise.recipients.get(transfer.targetAccount)?.details, {
      legalType: 'BUSINESS',
      IBAN: 'DE89370400440532013000',
    })
  })

  it('fails a Wise payout to a domestic account, saying Wise pays IBANs only', async () => {
    const row = await t.platform.payouts.create(
      t.platform.db,
      {
        purpose: 'early_payment',
        subjectId: 700002,
        amount: '10.00',
        currency: 'BRL',
        recipient: { holder_name: 'Acme', bank_code: '341', branch: '0001', account_number: '12345-6' },
        approvedBy: [1],
      },
      { system: 'test' },
    )
    await t.platform.jobs.drain()
    const payout = await t.app.inject({
      method: 'GET',
      url: `/api/payouts/${row.id}`,
      headers: operator.headers,
    })
    assert.equal(payout.json<ShownPayout>().status, 'failed')
    assert.match(payout.json<ShownPayout>().failure_reason ?? '', /IBAN accounts only/)
  })

  it('leaves a payout created with the manual provider to a person, even once Wise is configured', async () => {
    const row = await earlyPayment(700003)
    await createdWith(row.id, 'manual')
    await t.platform.jobs.drain()
    assert.equal((await payoutById(row.id)).status, 'approved')
    assert.deepEqual(await transfersOf(await payoutById(row.id)), [])
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${row.id}/mark-paid`,
      headers: operator.headers,
      payload: { reference: 'SEPA #1' },
    })
    assert.equal(paid.json<ShownPayout>().status, 'completed', paid.body)
  })

  it('fails a Wise payout in a process without Wise, saying so, and pays it on a retry once Wise is there', async () => {
    const row = await earlyPayment(700004)
    // A worker without WISE_API_TOKEN: only the manual provider.
    await payoutJobs(manualProvider).fund(row.id)
    const failed = await payoutById(row.id)
    assert.equal(failed.status, 'failed')
    assert.match(failed.failure_reason ?? '', /wise provider, which is not configured here/)
    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${row.id}/retry`,
      headers: operator.headers,
    })
    assert.equal(retried.json<ShownPayout>().status, 'approved', retried.body)
    await t.platform.jobs.drain()
    assert.equal((await payoutById(row.id)).status, 'funded')
    assert.deepEqual(
      (await transfersOf(failed)).map((transfer) => transfer.fundings),
      [1],
    )
  })

  it('lets a payout job’s attempt outlast the worst case of its Wise calls before another may start', () => {
    const client = createWiseClient({ apiToken: wise.token, baseUrl: wise.url, timeoutMs: 15_000 })
    const { jobs } = createPayouts({
      db: t.platform.db,
      jobs: t.platform.jobs,
      clock: t.clock,
      audit: t.platform.audit,
      provider: createWiseProvider(client, { profileId: undefined }),
    })
    // Nine calls at most (prepare's four, a new quote and transfer when Wise refused the stored quote,
    // read, fund, read again), each three attempts of 15 s with waits of 0.5 s and 1 s between them.
    const worstCaseSeconds = 9 * (3 * 15 + 1.5)
    for (const job of jobs.filter((candidate) => candidate.name !== 'sweep-payouts')) {
      assert.ok(
        (job.expireInSeconds ?? 300) > worstCaseSeconds,
        `${job.name}: ${String(job.expireInSeconds)}`,
      )
    }
  })

  it('never sends the token anywhere but the Authorization header', () => {
    assert.ok(wise.requests.length > 0)
    for (const request of wise.requests) {
      assert.equal(request.authorization, `Bearer ${wise.token}`)
      assert.ok(!request.body.includes(wise.token) && !request.path.includes(wise.token))
    }
  })
})
