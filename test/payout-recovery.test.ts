import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { decide, fileComplaint, REFUND_IBAN, refundOf } from './helpers/complaints.ts'
import { assertProblem } from './helpers/problems.ts'
import { startWiseServer, type WiseServer } from './helpers/wise-server.ts'

/*
 * Payouts through Wise that go wrong and must not stay wrong: a refused funding that leaves the
 * payout cancellable, expired quotes, and payout jobs that die.
 */

let t: TestApp
let wise: WiseServer
let approver: SignedInUser
let operator: SignedInUser
let admin: SignedInUser

before(async () => {
  wise = await startWiseServer()
  t = await buildTestApp({
    env: {
      PAYOUT_PROVIDER: 'wise',
      WISE_API_TOKEN: wise.token,
      WISE_BASE_URL: wise.url,
      WISE_TIMEOUT: '1',
    },
  })
  approver = await signIn(t, ['approver'])
  operator = await signIn(t, ['operator'])
  admin = await signIn(t, ['admin'])
})
after(async () => {
  await t.close()
  await wise.close()
})

type PayoutColumns = {
  payouts: {
    id: number
    status: string
    failure_reason: string | null
    provider_transfer_id: string | null
    funding_started_at: Date | null
  }
}
const payoutsTable = () => t.platform.db.$extendTables<PayoutColumns>()

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
