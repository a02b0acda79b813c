import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { ShownPayout } from '../../../test/helpers/complaints.ts'
import { newSupplier } from '../../../test/helpers/suppliers.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Anticipation } from './supplier-payments.schemas.ts'

const NOW = '2026-03-02T12:00:00Z'
const DOMESTIC_ACCOUNT = {
  holder_name: 'Acme Comércio Ltda.',
  bank_code: '341',
  branch: '0001',
  account_number: '12345-6',
  currency: 'BRL',
  country: 'BR',
  is_default: true,
}

let t: TestApp
let operator: SignedInUser

before(async () => {
  t = await buildTestApp({ now: NOW })
  operator = await signIn(t, ['operator'])
})
after(() => t.close())

async function as<T>(caller: SignedInUser, request: InjectOptions, status: number): Promise<T> {
  const response = await t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
  assert.equal(response.statusCode, status, response.body)
  return response.json<T>()
}

/** A supplier whose company has `accounts`, with a 1000.00 payment due in 16 days and its anticipation. */
async function pendingAnticipation(accounts: object[]): Promise<Anticipation> {
  const { user } = await newSupplier(t, operator, {
    legalName: 'Acme Comércio Ltda.',
    bankAccounts: accounts,
  })
  const payment = await as<{ id: number }>(
    user,
    { method: 'POST', url: '/api/payments/', payload: { due_date: '2026-03-18', value: '1000.00' } },
    201,
  )
  return as<Anticipation>(
    user,
    {
      method: 'POST',
      url: '/api/anticipations/',
      payload: { payment: payment.id, new_due_date: '2026-03-02' },
    },
    201,
  )
}

function decideAnticipation(id: number, status: 'A' | 'D') {
  return as<Anticipation>(
    operator,
    { method: 'PATCH', url: `/api/anticipations/${id}/`, payload: { status } },
    200,
  )
}

async function earlyPaymentOf(anticipationId: number): Promise<ShownPayout | undefined> {
  const page = await as<Page<ShownPayout>>(
    operator,
    { method: 'GET', url: '/api/payouts?purpose=early_payment&page_size=100' },
    200,
  )
  return page.results.find((payout) => payout.subject_id === anticipationId)
}

describe('early payments of approved anticipations', () => {
  it('pays an approved anticipation’s new value to the company’s default account in the payment currency', async () => {
    const anticipation = await pendingAnticipation([DOMESTIC_ACCOUNT])
    const approved = await decideAnticipation(anticipation.id, 'A')
    const payout = await earlyPaymentOf(anticipation.id)
    assert.ok(payout, 'an early_payment payout of the anticipation')
    assert.equal(payout.amount, approved.new_value)
    assert.equal(payout.amount, '984.00')
    assert.equal(payout.currency, 'BRL')
    assert.equal(payout.status, 'approved', 'approved with the anticipation')
    assert.deepEqual(payout.recipient, {
      holder_name: 'Acme Comércio Ltda.',
      bank_code: '341',
      branch: '0001',
      account_number: '12345-6',
    })
    await t.platform.jobs.drain()
    // The manual provider: a person pays it and marks it paid.
    assert.equal((await earlyPaymentOf(anticipation.id))?.status, 'approved')
  })

  it('still approves when the company has no default account in the currency: the payout waits as failed, saying why', async () => {
    const eurOnly = { holder_name: 'Acme', iban: 'DE89370400440532013000', currency: 'EUR', is_default: true }
    const anticipation = await pendingAnticipation([eurOnly])
    assert.equal((await decideAnticipation(anticipation.id, 'A')).status, 'A')
    const payout = await earlyPaymentOf(anticipation.id)
    assert.equal(payout?.status, 'failed')
    assert.equal(payout.recipient, null)
    assert.equal(payout.failure_reason, "The supplier's company has no default bank account in BRL.")
  })

  it('pays nothing for a denied anticipation', async () => {
    const anticipation = await pendingAnticipation([DOMESTIC_ACCOUNT])
    await decideAnticipation(anticipation.id, 'D')
    assert.equal(await earlyPaymentOf(anticipation.id), undefined)
  })
})
