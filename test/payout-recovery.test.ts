import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { pino } from 'pino'
import type { JobContext } from '../src/platform/jobs/jobs.ts'
import { createPayouts } from '../src/platform/payouts/payouts.ts'
import type { PayoutProvider } from '../src/platform/payouts/provider.ts'
import { createWiseClient } from '../src/platform/payouts/wise-client.ts'
import { createWiseProvider } from '../src/platform/payouts/wise-provider.ts'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import type { TestApp } from './helpers/app.ts'
import { decide, fileComplaint, REFUND_IBAN, refundOf } from './helpers/complaints.ts'
import { assertProblem } from './helpers/problems.ts'
import { startWiseApp, type WiseApp } from './helpers/wise-app.ts'
import type { WiseServer } from './helpers/wise-server.ts'

/*
 * Payouts through Wise that go wrong and must not stay wrong: a refused funding that leaves the
 * payout cancellable, expired quotes, and payout jobs that die.
 */

let t: TestApp
let wise: WiseServer
let approver: SignedInUser
let operator: SignedInUser
let admin: SignedInUser

let app: WiseApp

before(async () => {
  // Wise's quotes expire by the app's clock.
  app = await startWiseApp({ quotesByAppClock: true })
  ;({ t, wise, approver, operator, admin } = app)
})
after(() => app.close())

type PayoutColumns = {
  payouts: {
    id: number
    status: string
    failure_reason: string | null
    provider_quote_id: string | null
    provider_quote_expires_at: Date | null
    provider_transfer_id: string | null
    funding_started_at: Date | null
    updated_at: Date
  }
}
const payoutsTable = () => t.platform.db.$extendTables<PayoutColumns>()

async function stored(id: number) {
  return payoutsTable().selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

const wiseProvider = () =>
  createWiseProvider(createWiseClient({ apiToken: wise.token, baseUrl: wise.url, retryDelayMs: 1 }), {
    profileId: undefined,
  })

/** Runs one attempt of a payout job's handler here, as a worker would, with `provider`. */
async function runJob(
  name: 'prepare-payout' | 'fund-payout' | 'sweep-payouts',
  payoutId: number,
  options: { provider?: PayoutProvider; attempt?: number; final?: boolean } = {},
) {
  const { jobs } = createPayouts({
    db: t.platform.db,
    jobs: t.platform.jobs,
    clock: t.clock,
    audit: t.platform.audit,
    provider: options.provider ?? wiseProvider(),
  })
  const job = jobs.find((candidate) => candidate.name === name)
  assert.ok(job)
  const context: JobContext = {
    jobId: 'test',
    attempt: options.attempt ?? 1,
    final: options.final ?? false,
    untilDatabaseAnswers: (work) => work(),
    logger: pino({ level: 'silent' }),
  }
  await job.handle(name === 'sweep-payouts' ? {} : { payoutId }, context)
}

/** The payout's jobs that wait, retry or run. */
async function liveJobs(payoutId: number): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select name from pgboss.job
    where data->>'payoutId' = ${String(payoutId)} and state in ('created', 'retry', 'active')`.execute(
    t.platform.db,
  )
  return rows.map((row) => row.name)
}

/** A complaint of a complainer with an IBAN, its refund payout pending. */
async function complaintWithRefund() {
  const complainer = await signIn(t, [], { iban: REFUND_IBAN })
  return fileComplaint(t, complainer)
}

async function deleteComplaint(id: number) {
  return t.app.inject({ method: 'DELETE', url: `/api/complaints/${id}`, headers: admin.headers })
}

describe('a refund whose funding Wise refused', () => {
  it('is failed with its funding no longer started, so deleting its complaint cancels it and its transfer', async () => {
    const complaint = await complaintWithRefund()
    await t.platform.jobs.drain()
    wise.fault({ method: 'POST', path: /\/payments$/, status: 422 })
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    await t.platform.jobs.drain()
    const failed = await refundOf(t, operator, complaint.id)
    assert.equal(failed.status, 'failed')
    assert.match(failed.failure_reason ?? '', /Wise refused POST .*payments \(422\)/)

    assert.equal((await deleteComplaint(complaint.id)).statusCode, 204)
    await t.platform.jobs.drain()
    const { provider_transfer_id: transferId } = await payoutsTable()
      .selectFrom('payouts')
      .select('provider_transfer_id')
      .where('id', '=', failed.id)
      .executeTakeFirstOrThrow()
    assert.equal(wise.transfers.get(Number(transferId))?.status, 'cancelled')
  })

  it('states the refund’s real status when its funding may have gone through', async () => {
    const complaint = await complaintWithRefund()
    await t.platform.jobs.drain()
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    // A funding that timed out on the job's last attempt: Wise may have funded it.
    await payoutsTable()
      .updateTable('payouts')
      .set({ status: 'failed', failure_reason: 'Wise did not answer.', funding_started_at: t.clock.now() })
      .where('id', '=', payout.id)
      .execute()
    const response = await deleteComplaint(complaint.id)
    assertProblem(response, 409, 'complaint_refund_funded')
    assert.match(response.body, /is failed, but its funding started/)
    assert.doesNotMatch(response.body, /already paid out/)
  })
})

describe('a Wise quote', () => {
  /** A refund whose preparation stopped after its quote, Wise failing the transfer for now. */
  async function quotedRefund() {
    const complaint = await complaintWithRefund()
    wise.fault({ method: 'POST', path: /^\/v1\/transfers$/, status: 503, times: 3 })
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(payout.status, 'pending')
    const { provider_quote_id: quoteId, provider_quote_expires_at: expiresAt } = await stored(payout.id)
    assert.ok(quoteId !== null && expiresAt !== null, 'the quote and its expiry are stored')
    return { payout, quoteId }
  }

  async function transferQuoteOf(payoutId: number) {
    const { provider_transfer_id: transferId } = await stored(payoutId)
    return wise.transfers.get(Number(transferId))?.quoteUuid
  }

  it('is made anew once the stored one has expired, instead of being presented again', async () => {
    const { payout, quoteId } = await quotedRefund()
    const start = t.clock.now()
    t.clock.advance(31 * 60 * 1000)
    const quotes = wise.calls('POST', /\/quotes$/).length
    const transfers = wise.calls('POST', /^\/v1\/transfers$/).length
    try {
      await runJob('prepare-payout', payout.id)
    } finally {
      t.clock.set(start)
    }
    assert.equal((await stored(payout.id)).status, 'prepared')
    assert.equal(wise.calls('POST', /\/quotes$/).length - quotes, 1)
    assert.equal(wise.calls('POST', /^\/v1\/transfers$/).length - transfers, 1, 'the old quote is not sent')
    const used = await transferQuoteOf(payout.id)
    assert.ok(used !== undefined && used !== quoteId)
    assert.equal((await stored(payout.id)).provider_quote_id, used)
  })

  it('is made anew when Wise says the stored one expired, and the transfer uses the new one', async () => {
    const { payout, quoteId } = await quotedRefund()
    wise.expireQuote(quoteId)
    await runJob('prepare-payout', payout.id)
    assert.equal((await stored(payout.id)).status, 'prepared')
    const used = await transferQuoteOf(payout.id)
    assert.ok(used !== undefined && used !== quoteId)
  })
})

describe('a payout job that dies', () => {
  it('fails the payout on its last attempt, whatever the error, naming it; a retry then pays it', async () => {
    const complaint = await complaintWithRefund()
    await t.platform.jobs.drain()
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    const dying: PayoutProvider = {
      ...wiseProvider(),
      fund: () => Promise.reject(new Error('connection to the database lost')),
    }
    await runJob('fund-payout', payout.id, { provider: dying, attempt: 6, final: true })
    const failed = await refundOf(t, operator, complaint.id)
    assert.equal(failed.status, 'failed')
    assert.match(
      failed.failure_reason ?? '',
      /fund-payout job failed on its last attempt: connection to the database lost/,
    )
    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${payout.id}/retry`,
      headers: operator.headers,
    })
    assert.equal(retried.statusCode, 200, retried.body)
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'funded')
  })

  it('is enqueued again by the sweep once the payout waited the grace period without a live job, once', async () => {
    const complaint = await complaintWithRefund()
    const payout = await refundOf(t, operator, complaint.id)
    // Its prepare-payout job died on its last attempt: pg-boss failed it, the payout stayed pending.
    await sql`update pgboss.job set state = 'failed' where data->>'payoutId' = ${String(payout.id)}`.execute(
      t.platform.db,
    )
    await runJob('sweep-payouts', 0)
    assert.deepEqual(await liveJobs(payout.id), [], 'not within the grace period')
    const start = t.clock.now()
    t.clock.advance(16 * 60 * 1000)
    try {
      await runJob('sweep-payouts', 0)
      await runJob('sweep-payouts', 0)
    } finally {
      t.clock.set(start)
    }
    assert.deepEqual(await liveJobs(payout.id), ['prepare-payout'])
    await t.platform.jobs.drain()
    assert.equal((await stored(payout.id)).status, 'prepared')
  })

  it('is not doubled by the sweep while the payout’s job still waits', async () => {
    const complaint = await complaintWithRefund()
    await t.platform.jobs.drain()
    assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
    const payout = await refundOf(t, operator, complaint.id)
    const before = await stored(payout.id)
    const start = t.clock.now()
    t.clock.advance(16 * 60 * 1000)
    try {
      await runJob('sweep-payouts', 0)
    } finally {
      t.clock.set(start)
    }
    assert.deepEqual(await liveJobs(payout.id), ['fund-payout'])
    assert.deepEqual((await stored(payout.id)).updated_at, before.updated_at)
  })
})
