import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { createUser, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { decide, fileComplaint, REFUND_IBAN } from '../../../test/helpers/complaints.ts'
import { pictureBytes } from '../../../test/helpers/images.ts'
import { screenshot, seriousViolations, type ConsoleUnderTest } from '../harness.ts'

/**
 * An admin: finds a user by email and grants them the approver role (after a confirmation), which
 * the user sees in their navigation when they sign in; cannot remove their own admin role (the
 * API's words on the page); deactivates another user after confirming; finds the role change in the
 * audit log; reads the statistics overview, the bookings by hotel (a page of hotels) and the complaints by month (a CSV of them, and the API's
 * word on dates the wrong way round), the failed jobs, and the ledger's summary and its CSV.
 */
export async function adminJourney(bureau: ConsoleUnderTest): Promise<void> {
  const admin = await createUser(bureau.bureau, { roles: ['admin'] })
  const newcomer = await createUser(bureau.bureau)
  const leaver = await createUser(bureau.bureau)
  await paidComplaintRefund(bureau)

  const { context, page } = await bureau.open('/sign-in')
  try {
    await signInAs(page, admin.email, admin.password)
    await grantApprover(page, newcomer.email)
    await cannotDropOwnAdmin(page, admin.email)
    await deactivate(page, leaver.email)
    await approverSeesTheirNavigation(bureau, newcomer)
    await auditShowsRoleChange(page, newcomer.id)
    await statisticsOverview(page)
    await backgroundJobs(page)
    await ledgerSummary(page)
  } finally {
    await context.close()
  }
}

/**
 * An admin adds a hotel and a room type (a bad price first, its field error beside the field), uploads
 * a picture of the hotel and sees it once its sizes are made, changes the room type, then deletes it
 * and the hotel after confirming.
 */
export async function hotelsJourney(bureau: ConsoleUnderTest): Promise<void> {
  const admin = await createUser(bureau.bureau, { roles: ['admin'] })
  const { context, page } = await bureau.open('/sign-in', { phone: true })
  try {
    await signInAs(page, admin.email, admin.password)
    await page.goto('/admin/hotels')
    await page.getByRole('heading', { name: 'Hotels' }).waitFor()
    const hotelForm = page.getByRole('form', { name: 'Add a hotel' })
    await hotelForm.getByLabel('Name').fill('Hotel Atlântico')
    await hotelForm.getByLabel('Location').fill('Rio de Janeiro')
    await hotelForm.getByLabel('Services').fill('wifi, pool')
    await hotelForm.getByRole('button', { name: 'Add hotel' }).click()
    await page.getByRole('heading', { name: 'Hotel Atlântico' }).waitFor()

    await page.getByLabel('Picture of Hotel Atlântico').setInputFiles({
      name: 'front.jpg',
      mimeType: 'image/jpeg',
      buffer: await pictureBytes(1200, 800),
    })
    await page.getByRole('button', { name: 'Upload picture' }).click()
    await page.getByRole('img', { name: 'Picture of Hotel Atlântico' }).waitFor({ timeout: 20_000 })

    const roomForm = page.getByRole('form', { name: 'Add a room type' })
    await roomForm.getByLabel('Name').fill('Double, sea view')
    await roomForm.getByLabel('Price per night').fill('-5')
    await roomForm.getByLabel('Rooms of this type').fill('3')
    await roomForm.getByRole('button', { name: 'Add room type' }).click()
    const priceField = roomForm.locator('.field', { has: page.getByLabel('Price per night') })
    await priceField.locator('.field-error').waitFor()
    await roomForm.getByLabel('Price per night').fill('120.00')
    await roomForm.getByRole('button', { name: 'Add room type' }).click()
    const room = page.getByRole('article', { name: /Double, sea view/ })
    await room.waitFor()
    assert.match(await room.getByRole('heading').innerText(), /120\.00 a night · 3 rooms/)
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'admin-hotel')

    await room.getByText('Change this room type').click()
    await room.getByLabel('Rooms of this type').fill('4')
    await room.getByRole('button', { name: 'Save room type' }).click()
    await page.getByRole('article', { name: /4 rooms/ }).waitFor()

    await page
      .getByRole('article', { name: /4 rooms/ })
      .getByRole('button', { name: 'Delete room type' })
      .click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete room type' }).click()
    await page.getByText('No room type yet.').waitFor()
    await page.getByRole('button', { name: 'Delete hotel' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete hotel' }).click()
    await page.getByRole('heading', { name: 'Hotels' }).waitFor()
  } finally {
    await context.close()
  }
}

async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Hello, Test' }).waitFor()
}

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' })
}

async function findUser(page: Page, email: string) {
  await page.getByRole('search', { name: 'Find users' }).getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Find' }).click()
  const row = page.getByRole('row').filter({ hasText: email })
  await row.waitFor()
  assert.equal(await page.getByRole('row').count(), 2, 'the header and the one user with that email')
  return row
}

async function grantApprover(page: Page, email: string): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Users' }).click()
  await page.getByRole('heading', { name: 'Users' }).waitFor()
  assert.deepEqual(await seriousViolations(page), [])
  const row = await findUser(page, email)
  await row.getByRole('checkbox', { name: 'Approver' }).check()
  await screenshot(page, 'admin-users')
  await row.getByRole('button', { name: 'Save roles' }).click()
  const dialog = page.getByRole('dialog', { name: `Change the roles of ${email}?` })
  assert.match(await dialog.innerText(), /From no staff role to approver/)
  await dialog.getByRole('button', { name: 'Save roles' }).click()
  await row.getByText('Roles saved.').waitFor()
}

async function cannotDropOwnAdmin(page: Page, email: string): Promise<void> {
  const row = await findUser(page, email)
  await row.getByRole('checkbox', { name: 'Admin' }).uncheck()
  await row.getByRole('button', { name: 'Save roles' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Save roles' }).click()
  const alert = row.getByRole('alert')
  await alert.waitFor()
  assert.match(await alert.innerText(), /admin/i)
  await row.getByRole('checkbox', { name: 'Admin' }).check()
}

async function deactivate(page: Page, email: string): Promise<void> {
  const row = await findUser(page, email)
  await row.getByRole('button', { name: 'Deactivate' }).click()
  await page
    .getByRole('dialog', { name: `Deactivate ${email}?` })
    .getByRole('button', { name: 'Deactivate' })
    .click()
  await row.getByText('Deactivated').waitFor()
  // The list is fetched again after the change: its roles are locked once that answer is shown.
  await row.getByRole('checkbox', { name: 'Approver', disabled: true }).waitFor()
}

async function approverSeesTheirNavigation(
  bureau: ConsoleUnderTest,
  user: { email: string; password: string },
): Promise<void> {
  const { context, page } = await bureau.open('/sign-in')
  try {
    await signInAs(page, user.email, user.password)
    await mainNav(page).getByRole('link', { name: 'Complaints waiting' }).waitFor()
    assert.equal(await mainNav(page).getByRole('link', { name: 'Users' }).count(), 0)
    await mainNav(page).getByRole('link', { name: 'Statistics' }).click()
    await page.getByRole('heading', { name: 'Complaints by month filed' }).waitFor()
  } finally {
    await context.close()
  }
}

async function auditShowsRoleChange(page: Page, userId: number): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Audit log' }).click()
  await page.getByRole('heading', { name: 'Audit log' }).waitFor()
  await page.getByLabel('Subject', { exact: true }).selectOption('user')
  await page.getByLabel('Subject id').fill(String(userId))
  await page.getByRole('button', { name: 'Filter' }).click()
  const row = page.getByRole('row').filter({ hasText: 'user.roles_changed' })
  await row.waitFor()
  assert.match(await row.innerText(), /none → approver/)
  assert.match(await row.innerText(), new RegExp(`user #${userId}`))
  assert.deepEqual(await seriousViolations(page), [])
  await screenshot(page, 'audit-log')
}

async function statisticsOverview(page: Page): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Statistics' }).click()
  await page.getByRole('heading', { name: 'Overview' }).waitFor()
  const admins = page.locator('dl.figures div').filter({ hasText: 'Admins' })
  assert.ok(Number(await admins.locator('dd').innerText()) >= 1)
  await page.getByRole('img', { name: 'Waiting for a person' }).waitFor()
  assert.deepEqual(await seriousViolations(page), [])
  await page.getByRole('tab', { name: 'Bookings' }).click()
  await page.getByRole('img', { name: 'Bookings by hotel and month' }).waitFor()
  const pager = page.getByRole('navigation', { name: 'Pages' })
  assert.match(await pager.innerText(), /Page 1 of \d+ · \d+ in all/)
  assert.deepEqual(await seriousViolations(page), [])
  await page.getByRole('tab', { name: 'Complaints' }).click()
  await page.getByRole('img', { name: 'Complaints by month filed' }).waitFor()
  const months = page.getByRole('table', { name: 'Complaints by month filed, by month' })
  assert.ok((await months.getByRole('row').count()) >= 2)
  assert.deepEqual(await seriousViolations(page), [])
  await screenshot(page, 'statistics')

  const { name, csv } = await downloadCsv(page)
  assert.match(name, /^complaints-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/)
  assert.match(csv.split('\n')[0] ?? '', /^month,filed/)

  const dates = page.getByRole('form', { name: 'Dates of the report' })
  await dates.getByLabel('From').fill('2026-12-01')
  await dates.getByLabel('To').fill('2026-01-01')
  await dates.getByRole('button', { name: 'Show' }).click()
  const toField = dates.locator('.field', { has: page.getByLabel('To') })
  await toField.locator('.field-error').waitFor()
  assert.match(await toField.locator('.field-error').innerText(), /on or after/)
}

/** Clicks "Download CSV" and reads the file the browser saved. */
async function downloadCsv(page: Page): Promise<{ name: string; csv: string }> {
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download CSV' }).click()
  const file = await download
  return { name: file.suggestedFilename(), csv: await readFile(await file.path(), 'utf8') }
}

async function backgroundJobs(page: Page): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Background jobs' }).click()
  await page.getByRole('heading', { name: 'Background jobs' }).waitFor()
  await page.getByRole('tab', { name: 'Completed' }).click()
  await page.getByRole('row').nth(1).waitFor()
  assert.deepEqual(await seriousViolations(page), [])
}

async function ledgerSummary(page: Page): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Ledger' }).click()
  await page.getByRole('heading', { name: 'Ledger', exact: true }).waitFor()
  const totals = page.getByRole('table', { name: 'Totals by kind and currency' })
  const refunds = totals.getByRole('row').filter({ hasText: 'Complaint refund' })
  await refunds.waitFor()
  assert.match(await refunds.innerText(), /120\.00/)
  const net = page
    .getByRole('table', { name: 'Net per currency' })
    .getByRole('row')
    .filter({ hasText: 'EUR' })
  assert.match(await net.innerText(), /[-−]\s?€\s?120\.00/)
  assert.deepEqual(await seriousViolations(page), [])
  await screenshot(page, 'ledger')

  const { name, csv } = await downloadCsv(page)
  assert.equal(name, 'ledger.csv')
  assert.match(csv.split('\n')[0] ?? '', /kind/)
  assert.match(csv, /complaint_refund/)
}

/**
 * A settled complaint refund for the ledger and the statistics, set up through the API: a user
 * files a complaint, an approver approves it, and an operator marks the manual payout paid.
 */
async function paidComplaintRefund(bureau: ConsoleUnderTest): Promise<void> {
  const t = bureau.bureau
  const complainer = await signIn(t, [], { iban: REFUND_IBAN })
  const approver = await signIn(t, ['approver'])
  const operator = await signIn(t, ['operator'])
  const complaint = await fileComplaint(t, complainer, { amount: '120.00' })
  assert.equal((await decide(t, approver, complaint.id, 'approve')).statusCode, 200)
  const payoutId = await approvedPayoutOf(bureau, operator, complaint.id)
  const paid = await t.app.inject({
    method: 'POST',
    url: `/api/payouts/${payoutId}/mark-paid`,
    headers: operator.headers,
    payload: { reference: 'SEPA 2026-1' },
  })
  assert.equal(paid.statusCode, 200, paid.body)
}

/** The complaint's refund payout once the background jobs have approved it. */
async function approvedPayoutOf(
  bureau: ConsoleUnderTest,
  operator: SignedInUser,
  complaintId: number,
): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await bureau.bureau.app.inject({
      method: 'GET',
      url: '/api/payouts?purpose=complaint_refund&page_size=100',
      headers: operator.headers,
    })
    const payouts = response.json<{ results: { id: number; subject_id: number; status: string }[] }>()
    const payout = payouts.results.find((row) => row.subject_id === complaintId)
    if (payout && ['approved', 'funded'].includes(payout.status)) return payout.id
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the refund of complaint ${complaintId} was not approved`)
}
