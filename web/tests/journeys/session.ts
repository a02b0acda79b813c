import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Page } from 'playwright-core'
import { createUser } from '../../../test/helpers/accounts.ts'
import type { ConsoleUnderTest } from '../harness.ts'

interface Stored {
  access: string
  refresh: string
}

async function stored(page: Page): Promise<Stored | null> {
  return page.evaluate<Stored | null>('JSON.parse(localStorage.getItem("bureau.session") ?? "null")')
}

/**
 * With access tokens that live barely longer than the minute the console refreshes ahead, two tabs of
 * one browser keep one session alive for several refreshes: each rotation is picked up by the other
 * tab (a refresh token reused would revoke the whole family and sign both out), and both still work.
 */
export async function sessionStaysAlive(bureau: ConsoleUnderTest): Promise<void> {
  const user = await createUser(bureau.bureau)
  const { context, page } = await bureau.open('/sign-in')
  try {
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill(user.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: /^Hello/ }).waitFor()
    const second = await context.newPage()
    await second.goto('/profile')
    await second.getByText(`Signed in as ${user.email}.`).waitFor()

    const seen = new Set<string>()
    for (let attempt = 0; attempt < 100 && seen.size < 4; attempt++) {
      const session = await stored(page)
      assert.ok(session, 'signed out while refreshing')
      seen.add(session.refresh)
      await sleep(250)
    }
    assert.ok(seen.size >= 4, `the session was refreshed ${seen.size - 1} times`)

    for (const tab of [page, second]) {
      await tab.goto('/profile')
      await tab.getByText(`Signed in as ${user.email}.`).waitFor()
    }
    const last = await stored(page)
    assert.ok(last)
    const refreshed = await bureau.bureau.app.inject({
      method: 'POST',
      url: '/api/token/refresh/',
      payload: { refresh: last.refresh },
    })
    assert.equal(
      refreshed.statusCode,
      200,
      'the family was never revoked: the last refresh token still works',
    )
  } finally {
    await context.close()
  }
}
