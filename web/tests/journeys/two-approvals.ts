import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { createUser, signIn, TEST_PASSWORD } from '../../../test/helpers/accounts.ts'
import { newSupplier } from '../../../test/helpers/suppliers.ts'
import { seriousViolations, type ConsoleUnderTest } from '../harness.ts'

/** Above this (APPROVAL_THRESHOLD_EARLY_PAYMENT of the Bureau under test) an early payment needs two operators. */
export const EARLY_PAYMENT_THRESHOLD = '5000.00'

async function openQueueAs(bureau: ConsoleUnderTest, email: string) {
  const opened = await bureau.open('/anticipations')
  await opened.page.getByLabel('Email').fill(email)
  await opened.page.getByLabel('Password').fill(TEST_PASSWORD)
  await opened.page.getByRole('button', { name: 'Sign in' }).click()
  await opened.page.getByRole('heading', { name: 'Early payments' }).waitFor()
  return opened
}

async function approve(page: Page, paymentId: number): Promise<void> {
  const row = page.locator('tr', { has: page.getByRole('link', { name: `Payment #${paymentId}` }) }).first()
  await row.getByRole('button', { name: 'Approve' }).click()
  await page
    .getByRole('dialog', { name: /^Approve early payment/ })
    .getByRole('button', { name: 'Approve' })
    .click()
}

/**
 * Money controls in the console: an early payment above the threshold is approved by one operator
 * ("1 of 2 approvals", still waiting), refused to the same operator a second time in the API's words,
 * and completed by a second operator.
 */
export async function twoApprovals(bureau: ConsoleUnderTest): Promise<void> {
  const t = bureau.bureau
  const registrar = await signIn(t, ['operator'])
  const first = await createUser(t, { roles: ['operator'] })
  const second = await createUser(t, { roles: ['operator'] })
  const supplier = await newSupplier(t, registrar, {
    legalName: 'Grande Fornecedora Ltda.',
    bankAccounts: [
      {
        holder_name: 'Grande Fornecedora Ltda.',
        bank_code: '341',
        branch: '0002',
        account_number: '76543-2',
      },
    ].map((account) => ({ ...account, currency: 'BRL', country: 'BR', is_default: true })),
  })
  const due = new Date(Date.parse(`${t.clock.today()}T00:00:00Z`) + 40 * 86_400_000)
    .toISOString()
    .slice(0, 10)
  const earlier = new Date(Date.parse(`${t.clock.today()}T00:00:00Z`) + 10 * 86_400_000)
    .toISOString()
    .slice(0, 10)
  const payment = await t.app.inject({
    method: 'POST',
    url: '/api/payments/',
    headers: registrar.headers,
    payload: { supplier: supplier.id, due_date: due, value: '8000.00' },
  })
  assert.equal(payment.statusCode, 201, payment.body)
  const paymentId = payment.json<{ id: number }>().id
  const requested = await t.app.inject({
    method: 'POST',
    url: '/api/anticipations/',
    headers: supplier.user.headers,
    payload: { payment: paymentId, new_due_date: earlier },
  })
  assert.equal(requested.statusCode, 201, requested.body)

  const one = await openQueueAs(bureau, first.email)
  try {
    await approve(one.page, paymentId)
    await one.page.getByText(/Your approval is recorded \(1 of 2 approvals\)/).waitFor()
    assert.deepEqual(await seriousViolations(one.page), [])
    await approve(one.page, paymentId)
    await one.page
      .getByRole('alert')
      .getByText(/already/i)
      .waitFor()
  } finally {
    await one.context.close()
  }

  const two = await openQueueAs(bureau, second.email)
  try {
    const row = two.page.locator('tr', { has: two.page.getByRole('link', { name: `Payment #${paymentId}` }) })
    await row.getByText('1 of 2 approvals').waitFor()
    await approve(two.page, paymentId)
    await two.page.getByText(/Early payment #\d+ is approved/).waitFor()
  } finally {
    await two.context.close()
  }
}
