import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { createUser, signIn, TEST_PASSWORD } from '../../../test/helpers/accounts.ts'
import { newSupplier } from '../../../test/helpers/suppliers.ts'
import { screenshot, seriousViolations, type ConsoleUnderTest } from '../harness.ts'

const DEFAULT_ACCOUNT = {
  holder_name: 'Fornecedora Ltda.',
  bank_code: '341',
  branch: '0001',
  account_number: '12345-6',
  currency: 'BRL',
  country: 'BR',
  is_default: true,
}

/** `days` after Bureau's today (its business calendar), as YYYY-MM-DD. */
function daysFromToday(bureau: ConsoleUnderTest, days: number): string {
  const today = new Date(`${bureau.bureau.clock.today()}T00:00:00Z`)
  return new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10)
}

async function signInAs(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/**
 * Money: a supplier asks for an early payment of a payment registered by one operator, another operator
 * approves it and finds the payout, a bank account form shows the API's field error for a bad IBAN, and
 * the first operator (not the payout's approver) marks the manual payout paid with a reference.
 */
export async function money(bureau: ConsoleUnderTest): Promise<void> {
  const t = bureau.bureau
  const approver = await createUser(t, { roles: ['operator'] })
  const registrar = await signIn(t, ['operator'])
  const supplier = await newSupplier(t, registrar, {
    legalName: 'Fornecedora Journey Ltda.',
    bankAccounts: [DEFAULT_ACCOUNT],
  })
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/payments/',
    headers: registrar.headers,
    payload: { supplier: supplier.id, due_date: daysFromToday(bureau, 30), value: '1000.00' },
  })
  assert.equal(registered.statusCode, 201, registered.body)
  const paymentId = registered.json<{ id: number }>().id

  await supplierRequestsEarlyPayment(bureau, supplier.user.email, paymentId)
  await operatorApproves(bureau, approver.email, paymentId, supplier.company)
  await anotherOperatorMarksPaid(bureau, registrar.email)
  await phoneList(bureau, supplier.user.email)
}

async function supplierRequestsEarlyPayment(bureau: ConsoleUnderTest, email: string, paymentId: number) {
  const { context, page } = await bureau.open('/payments')
  try {
    await signInAs(page, email)
    await page.getByRole('heading', { name: 'Your payments' }).waitFor()
    await page.getByRole('tab', { name: /Available\s*1/ }).waitFor()
    await page.getByRole('link', { name: `Payment #${paymentId}` }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'supplier-payments')

    await page.getByRole('link', { name: `Payment #${paymentId}` }).click()
    await page.getByRole('heading', { name: `Payment #${paymentId}` }).waitFor()
    const newValue = page.getByTestId('quote-new-value')
    await page.getByLabel('Pay me on').fill(daysFromToday(bureau, 20))
    await page.getByText('Days earlier').waitFor()
    await page.locator('.quote-figures dd').first().filter({ hasText: /^10$/ }).waitFor()
    const first = await newValue.innerText()
    await page.getByLabel('Pay me on').fill(daysFromToday(bureau, 10))
    await page.locator('.quote-figures dd').first().filter({ hasText: /^20$/ }).waitFor()
    const second = await newValue.innerText()
    assert.notEqual(second, first, 'the quote follows the date')
    assert.match(second, /980[.,]00/)
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'supplier-quote')

    await page.getByRole('button', { name: 'Request early payment' }).click()
    const dialog = page.getByRole('dialog', { name: 'Request early payment?' })
    await dialog.getByRole('button', { name: 'Request early payment' }).click()
    await page.getByText('Early payment requested').waitFor()

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Early payments' }).click()
    await page.getByRole('heading', { name: 'Early payments' }).waitFor()
    const own = page.locator('tr', { has: page.getByRole('link', { name: `Payment #${paymentId}` }) })
    await own.getByText('Pending confirmation').waitFor()
    assert.equal(await own.getByRole('button', { name: 'Approve' }).count(), 0, 'suppliers do not decide')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'supplier-anticipations')
  } finally {
    await context.close()
  }
}

async function operatorApproves(
  bureau: ConsoleUnderTest,
  email: string,
  paymentId: number,
  companyId: number,
) {
  const { context, page } = await bureau.open('/anticipations')
  try {
    await signInAs(page, email)
    await page.getByRole('heading', { name: 'Early payments' }).waitFor()
    await page.getByRole('tab', { name: /Waiting for a decision/, selected: true }).waitFor()
    const row = page.locator('tr', { has: page.getByRole('link', { name: `Payment #${paymentId}` }) }).first()
    await row.getByRole('button', { name: 'Approve' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'operator-anticipations')
    await row.getByRole('button', { name: 'Approve' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click()
    await page.getByText(/Early payment #\d+ is approved/).waitFor()
    await row.waitFor({ state: 'detached' })
    await page.getByRole('tab', { name: /Approved/ }).click()
    await row.getByText('Approved', { exact: true }).first().waitFor()

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payouts' }).click()
    await page.getByRole('heading', { name: 'Payouts' }).waitFor()
    await page.getByLabel('Purpose').selectOption('early_payment')
    await page
      .getByRole('cell', { name: /Fornecedora Ltda\. · 341 \/ 0001 \/ 12345-6/ })
      .first()
      .waitFor()
    await page
      .getByRole('cell', { name: /980[.,]00/ })
      .first()
      .waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'operator-payouts')

    await page.goto(`/companies/${companyId}`)
    await page.getByRole('heading', { name: 'Bank accounts' }).waitFor()
    await page.getByRole('cell', { name: 'Default for BRL' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByLabel('Holder name').fill('Fornecedora Journey Ltda.')
    await page.getByLabel('IBAN', { exact: true }).fill('DE89370400440532013001')
    await page.getByLabel('Currency', { exact: true }).fill('EUR')
    await page.getByRole('button', { name: 'Add bank account' }).click()
    const ibanField = page.locator('.field', { has: page.getByLabel('IBAN', { exact: true }) })
    await ibanField.locator('.field-error').waitFor()
    assert.match(await ibanField.locator('.field-error').innerText(), /IBAN/i)
    assert.equal(await page.getByLabel('IBAN', { exact: true }).getAttribute('aria-invalid'), 'true')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'company-bank-accounts')
  } finally {
    await context.close()
  }
}

/** A manual payout is marked paid by an operator other than its approver, with a reference. */
async function anotherOperatorMarksPaid(bureau: ConsoleUnderTest, email: string) {
  const { context, page } = await bureau.open('/payouts?purpose=early_payment')
  try {
    await signInAs(page, email)
    await page.getByRole('heading', { name: 'Payouts' }).waitFor()
    const row = page.locator('tr', { hasText: 'Fornecedora Ltda.' }).first()
    await row.getByRole('button', { name: 'Mark paid…' }).click()
    await page.getByRole('button', { name: 'Mark paid', exact: true }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Mark paid' }).click()
    const referenceField = page.locator('.field', { has: page.getByLabel('Reference') })
    await referenceField.locator('.field-error').waitFor()
    await page.getByLabel('Reference').fill('TED 2026-12-06 #4411')
    await page.getByRole('button', { name: 'Mark paid', exact: true }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Mark paid' }).click()
    await row.getByText('completed').waitFor()
    await row.getByText('Ref. TED 2026-12-06 #4411').waitFor()
  } finally {
    await context.close()
  }
}

/** The supplier's payments on a phone: one card per payment, every cell labelled. */
async function phoneList(bureau: ConsoleUnderTest, email: string) {
  const { context, page } = await bureau.open('/payments', { phone: true })
  try {
    await signInAs(page, email)
    await page.getByRole('heading', { name: 'Your payments' }).waitFor()
    const status = page.getByRole('cell', { name: /Anticipated/ }).first()
    await status.waitFor()
    assert.equal(
      await page.evaluate<string>("getComputedStyle(document.querySelector('main td')).display"),
      'block',
    )
    const width = await page.evaluate<number>('document.documentElement.scrollWidth')
    assert.ok(width <= 390, `no sideways scrolling on a phone (page is ${width}px wide)`)
    assert.deepEqual(await seriousViolations(page), [])
  } finally {
    await context.close()
  }
}
