import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createUser } from '../../../test/helpers/accounts.ts'
import { REFUND_IBAN } from '../../../test/helpers/complaints.ts'
import { pictureBytes } from '../../../test/helpers/images.ts'
import { screenshot, seriousViolations, type ConsoleUnderTest } from '../harness.ts'
import { signInAt } from './guests.ts'

/**
 * A user with a verified email and an IBAN files a complaint with a photo file and sees it pending;
 * an approver opens the complaints waiting, sees its photo and amount, rejects it with a reason; the
 * user sees it rejected, with the reason.
 */
export async function complaintRejected(bureau: ConsoleUnderTest): Promise<void> {
  const title = `Broken chair ${randomBytes(3).toString('hex')}`
  const complainer = await createUser(bureau.bureau, { iban: REFUND_IBAN, verified: true })
  const approver = await createUser(bureau.bureau, { roles: ['approver'] })
  const mine = await signInAt(bureau, complainer, '/')
  try {
    const page = mine.page
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My complaints' }).click()
    await page.getByRole('link', { name: 'File a complaint' }).click()
    await page.getByRole('heading', { name: 'File a complaint' }).waitFor()
    await page.getByLabel('Title').fill(title)
    await page.getByLabel('What happened').fill('The chair arrived with a broken leg.')
    await page.getByLabel('Refund asked for').fill('45.50')
    await page.getByLabel('Photo').setInputFiles({
      name: 'broken-chair.png',
      mimeType: 'image/png',
      buffer: await pictureBytes(40, 30, 'png'),
    })
    await page.getByRole('img', { name: 'Preview of broken-chair.png' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'complaint-form')
    await page.getByRole('button', { name: 'File complaint' }).click()
    await page.getByText('Your complaint was filed').waitFor()
    const row = page.getByRole('row').filter({ hasText: title })
    await row.getByText('Pending').waitFor()
    assert.deepEqual(await seriousViolations(page), [])

    await approverRejects(bureau, approver, title)

    await page.reload()
    await row.getByText('Rejected').waitFor()
    assert.match(await row.innerText(), /Reason: No damage is visible on the photo\./)
  } finally {
    await mine.context.close()
  }
}

async function approverRejects(
  bureau: ConsoleUnderTest,
  approver: { email: string; password: string },
  title: string,
): Promise<void> {
  const { context, page } = await signInAt(bureau, approver, '/')
  try {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Complaints waiting' })
      .click()
    await page.getByRole('heading', { name: 'Complaints waiting' }).waitFor()
    const card = page.getByRole('listitem', { name: title })
    const photo = card.getByRole('img', { name: `Photo of “${title}”` })
    await photo.waitFor()
    // The photo itself loaded (a signed link Bureau serves), not only its alt text.
    await photo.evaluate((image) => (image as unknown as { decode(): Promise<void> }).decode())
    assert.match(await card.innerText(), /45\.50/)
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'approver-queue')

    await card.getByRole('button', { name: 'Reject' }).click()
    const dialog = page.getByRole('dialog', { name: `Reject “${title}”?` })
    await dialog.getByLabel('Reason, told to the complainer').fill('No damage is visible on the photo.')
    await dialog.getByRole('button', { name: 'Reject complaint' }).click()
    await page.getByText(`“${title}” is rejected`).waitFor()
    assert.equal(await card.count(), 0)

    // "My complaints" is the approver's own: none, though they see everyone's complaints waiting.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My complaints' }).click()
    await page.getByText('You have not filed any complaint.').waitFor()
  } finally {
    await context.close()
  }
}

/** Without an IBAN on the profile, the API's 400 in its words, and the way to the profile. */
export async function complaintNeedsAnIban(bureau: ConsoleUnderTest): Promise<void> {
  const user = await createUser(bureau.bureau, { verified: true })
  const { context, page } = await signInAt(bureau, user, '/complaints/new')
  try {
    await page.getByLabel('Title').fill('Stained carpet')
    await page.getByLabel('Refund asked for').fill('20.00')
    await page.getByLabel('Photo').setInputFiles({
      name: 'carpet.webp',
      mimeType: 'image/webp',
      buffer: await pictureBytes(30, 30, 'webp'),
    })
    await page.getByRole('button', { name: 'File complaint' }).click()
    await page.getByRole('alert').getByText('Add an IBAN to your profile').waitFor()
    await page.getByRole('link', { name: 'Open your profile' }).click()
    await page.getByRole('heading', { name: 'Your profile' }).waitFor()
  } finally {
    await context.close()
  }
}
