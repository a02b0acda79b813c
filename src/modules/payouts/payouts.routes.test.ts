import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import {
  decide,
  fileComplaint,
  REFUND_IBAN,
  refundOf,
  type ShownPayout,
} from '../../../test/helpers/complaints.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { Page } from '../../platform/http/pagination.ts'

let t: TestApp
let approver: SignedInUser
let operator: SignedInUser

before(async () => {
  t = await buildTestApp()
  approver = await signIn(t, ['approver'])
  operator = await signIn(t, ['operator'])
})
after(() => t.close())

function markPaid(id: number, reference: unknown = 'SEPA 2026-03-02 #8812') {
  return t.app.inject({
    method: 'POST',
    url: `/api/payouts/${id}/mark-paid`,
    headers: operator.headers,
    payload: { reference },
  })
}

function retry(id: number) {
  return t.app.inject({ method: 'POST', url: `/api/payouts/${id}/retry`, headers: operator.headers })
}

/** A complaint's refund payout, after the complaint was filed (and approved, when asked). */
async function refund(options: { approved?: boolean } = {}): Promise<ShownPayout> {
  const complaint = await fileComplaint(t, await signIn(t, [], { iban: REFUND_IBAN }))
  if (options.approved) assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
  await t.platform.jobs.drain()
  return refundOf(t, operator, complaint.id)
}

/** A payout with no account to pay, recorded as failed (as an early payment to a company without one). */
async function failedPayout(subjectId: number): Promise<number> {
  const row = await t.platform.payouts.create(
    t.platform.db,
    {
      purpose: 'early_payment',
      subjectId,
      amount: '10.00',
      currency: 'BRL',
      recipient: undefined,
      unavailable: 'The company has no default bank account in BRL.',
    },
    { system: 'test' },
  )
  return row.id
}

describe('the manual provider', () => {
  it('prepares without calling anyone, waits at approved for a person, then completes with the reference', async () => {
    const pending = await refund()
    assert.equal(pending.status, 'prepared')
    const approved = await refund({ approved: true })
    assert.equal(approved.status, 'approved')
    const response = await markPaid(approved.id)
    assert.equal(response.statusCode, 200, response.body)
    const paid = response.json<ShownPayout>()
    assert.equal(paid.status, 'completed')
    assert.equal(paid.reference, 'SEPA 2026-03-02 #8812')
  })

  it('refuses to mark a payout paid before it is approved, or twice (409)', async () => {
    const prepared = await refund()
    assertProblem(await markPaid(prepared.id), 409, 'payout_not_payable')
    const approved = await refund({ approved: true })
    assert.equal((await markPaid(approved.id)).statusCode, 200)
    assertProblem(await markPaid(approved.id, 'again'), 409, 'payout_not_payable')
  })

  it('refuses to mark paid by hand a payout that has a transfer at a provider (409)', async () => {
    const approved = await refund({ approved: true })
    await t.platform.db
      .$extendTables<{ payouts: { id: number; provider_transfer_id: string | null } }>()
      .updateTable('payouts')
      .set({ provider_transfer_id: '4242' })
      .where('id', '=', approved.id)
      .execute()
    assertProblem(await markPaid(approved.id), 409, 'payout_at_provider')
  })

  it('refuses a blank or missing reference (400)', async () => {
    const approved = await refund({ approved: true })
    assertInvalid(await markPaid(approved.id, ''))
    assertInvalid(await markPaid(approved.id, '   '))
    assertInvalid(
      await t.app.inject({
        method: 'POST',
        url: `/api/payouts/${approved.id}/mark-paid`,
        headers: operator.headers,
        payload: {},
      }),
    )
  })
})

describe('retrying', () => {
  it('refuses to retry a payout that has not failed (409)', async () => {
    const prepared = await refund()
    assertProblem(await retry(prepared.id), 409, 'payout_not_failed')
  })

  it('refuses to retry a failed payout that has no account to pay (409)', async () => {
    const id = await failedPayout(900001)
    const shown = await t.app.inject({ method: 'GET', url: `/api/payouts/${id}`, headers: operator.headers })
    assert.equal(shown.json<ShownPayout>().status, 'failed')
    assert.equal(shown.json<ShownPayout>().failure_reason, 'The company has no default bank account in BRL.')
    assertProblem(await retry(id), 409, 'payout_without_recipient')
  })
})

describe('listing payouts', () => {
  it('lists newest first and filters by status and purpose', async () => {
    t.clock.advance(1000)
    const older = await refund()
    t.clock.advance(1000)
    const newer = await refund({ approved: true })
    const all = await t.app.inject({
      method: 'GET',
      url: '/api/payouts?page_size=100',
      headers: operator.headers,
    })
    const ids = all.json<Page<ShownPayout>>().results.map((payout) => payout.id)
    assert.ok(ids.indexOf(newer.id) < ids.indexOf(older.id))
    const approved = await t.app.inject({
      method: 'GET',
      url: '/api/payouts?status=approved&purpose=complaint_refund&page_size=100',
      headers: operator.headers,
    })
    const results = approved.json<Page<ShownPayout>>().results
    assert.ok(results.some((payout) => payout.id === newer.id))
    assert.ok(
      results.every((payout) => payout.status === 'approved' && payout.purpose === 'complaint_refund'),
    )
  })

  it('answers an unknown status or purpose with 400 naming the choices', async () => {
    const errors = assertInvalid(
      await t.app.inject({ method: 'GET', url: '/api/payouts?status=paid', headers: operator.headers }),
    )
    assert.match(
      errors.status?.[0] ?? '',
      /pending, prepared, approved, funded, completed, cancelled, failed/,
    )
    assertInvalid(
      await t.app.inject({ method: 'GET', url: '/api/payouts?purpose=gift', headers: operator.headers }),
    )
  })

  it('answers a missing payout with 404, before looking at the body', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/api/payouts/2147483647' },
      { method: 'POST' as const, url: '/api/payouts/2147483647/mark-paid', payload: { nope: 1 } },
      { method: 'POST' as const, url: '/api/payouts/2147483647/retry' },
    ]) {
      assertProblem(await t.app.inject({ ...request, headers: operator.headers }), 404, 'not_found')
    }
  })
})

describe('separation of duties: whoever approved a payout never marks it paid', () => {
  it('refuses the approver whose decision approved it (403 own_request), and another operator marks it paid', async () => {
    const approverOperator = await signIn(t, ['approver', 'operator'])
    const complaint = await fileComplaint(t, await signIn(t, [], { iban: REFUND_IBAN }))
    assert.equal((await decide(t, approverOperator, complaint.id, 'approve')).statusCode, 200)
    await t.platform.jobs.drain()
    const payout = await refundOf(t, operator, complaint.id)
    assert.deepEqual((payout as ShownPayout & { approved_by: number[] }).approved_by, [approverOperator.id])
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${payout.id}/mark-paid`,
      headers: approverOperator.headers,
      payload: { reference: 'SEPA 2026-03-02 #1' },
    })
    assertProblem(own, 403, 'own_request')
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'approved')
    assert.equal((await markPaid(payout.id)).statusCode, 200)
  })
})
