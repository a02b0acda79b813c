import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { linkIn, screenshot, seriousViolations, type ConsoleUnderTest } from '../harness.ts'

/**
 * A newcomer: registers (first with an IBAN that fails its check, shown beside the field), finds the
 * verification email in the outbox, opens its link, signs in and lands on the start page.
 */
export async function registration(bureau: ConsoleUnderTest): Promise<void> {
  const email = `newcomer-${randomBytes(4).toString('hex')}@example.com`
  const { context, page } = await bureau.open('/register')
  try {
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByLabel('First name').fill('Nora')
    await page.getByLabel('Last name').fill('Newcomer')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('a-long-enough-password')
    await page.getByLabel('IBAN (optional)').fill('DE89370400440532013001')
    await page.getByRole('button', { name: 'Create account' }).click()

    const ibanField = page.locator('.field', { has: page.getByLabel('IBAN (optional)') })
    await ibanField.locator('.field-error').waitFor()
    assert.match(await ibanField.locator('.field-error').innerText(), /IBAN/i)
    assert.equal(await page.getByLabel('IBAN (optional)').getAttribute('aria-invalid'), 'true')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'register-field-error')

    await page.getByLabel('IBAN (optional)').fill('DE89370400440532013000')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor()

    const verification = await waitForEmail(bureau, email)
    await page.goto(linkIn(verification, `${bureau.base}/verify-email?token=`))
    await page.getByText('Your email address is verified').waitFor()

    await page.goto('/sign-in')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'sign-in')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('a-long-enough-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Hello, Nora' }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  } finally {
    await context.close()
  }
}

async function waitForEmail(bureau: ConsoleUnderTest, to: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = (await bureau.emails()).find((email) => email.includes(`To: ${to}`))
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`no email to ${to}`)
}
