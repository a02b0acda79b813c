import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { linkIn, screenshot, seriousViolations, type ConsoleUnderTest } from '../harness.ts'

/**
 * A newcomer: registers (first with an IBAN that fails its check, shown beside the field), finds the
 * verification email in the outbox, opens its link, signs in and lands on the start page; then forgets
 * the password, chooses a new one from the emailed link and signs in with it.
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

    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Send me a link' }).click()
    await page.getByText('a link to choose a new password is on its way').waitFor()
    const reset = await waitForEmail(bureau, email, '/reset-password?token=')
    await page.goto(linkIn(reset, `${bureau.base}/reset-password?token=`))
    await page.getByRole('textbox', { name: 'New password' }).fill('another-long-password')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Your password is changed').waitFor()
    await page.getByRole('link', { name: 'Sign in' }).last().click()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('another-long-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Hello, Nora' }).waitFor()
  } finally {
    await context.close()
  }
}

/** The first email to `to` that holds `containing` (quoted-printable soft breaks undone). */
async function waitForEmail(bureau: ConsoleUnderTest, to: string, containing = ''): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = (await bureau.emails()).find(
      (email) =>
        email.includes(`To: ${to}`) &&
        email
          .replace(/=\r?\n/g, '')
          .replace(/=3D/g, '=')
          .includes(containing),
    )
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`no email to ${to}`)
}
