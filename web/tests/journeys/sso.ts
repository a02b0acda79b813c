import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { TestIdentityProvider } from '../../../test/helpers/oidc-provider.ts'
import { seriousViolations, type ConsoleUnderTest } from '../harness.ts'

/**
 * Single sign-on from the console: the sign-in page offers the configured provider; its button goes
 * through Bureau to the provider's own login page, and back to the console, signed in, on the page
 * that asked for it.
 */
export async function signInWithProvider(
  bureau: ConsoleUnderTest,
  provider: TestIdentityProvider,
): Promise<void> {
  const sub = `ines-${randomBytes(3).toString('hex')}`
  provider.addAccount({
    sub,
    email: `${sub}@corp.example`,
    email_verified: true,
    given_name: 'Inês',
    family_name: 'Corp',
  })
  const { context, page } = await bureau.open('/profile')
  try {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('link', { name: 'Corp Login' }).click()
    // The provider's development login page (oidc-provider's own HTML).
    await page.locator('input[name="login"]').fill(sub)
    await page.locator('input[name="password"]').fill('any')
    await page.locator('button[type="submit"]').click()
    // Then its consent page, the first time this account meets Bureau.
    await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' })
    await page.locator('button[type="submit"]').click()
    await page.getByRole('heading', { name: 'Your profile' }).waitFor()
    await page.getByText(`Signed in as ${sub}@corp.example.`).waitFor()
    assert.equal(new URL(page.url()).hash, '', 'the tokens left the address bar')
    await page.getByRole('row', { name: /corp/ }).waitFor()
  } finally {
    await context.close()
  }
}
