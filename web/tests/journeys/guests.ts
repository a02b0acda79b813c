import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { addDays } from '../../../src/modules/bookings/availability.ts'
import { createUser, login } from '../../../test/helpers/accounts.ts'
import { multipartForm, pictureBytes } from '../../../test/helpers/images.ts'
import { screenshot, seriousViolations, type ConsoleUnderTest } from '../harness.ts'

/** Signs in through the sign-in page, which then opens `next`. */
export async function signInAt(
  bureau: ConsoleUnderTest,
  user: { email: string; password: string },
  next: string,
  options: { phone?: boolean } = {},
) {
  const opened = await bureau.open(`/sign-in?next=${encodeURIComponent(next)}`, options)
  await opened.page.getByLabel('Email').fill(user.email)
  await opened.page.getByLabel('Password').fill(user.password)
  await opened.page.getByRole('button', { name: 'Sign in' }).click()
  await opened.page.waitForURL((url) => url.pathname === next.split('?')[0])
  return opened
}

/** What the admin set up through the API: a hotel in a city of its own, with two room types. */
async function hotelInItsOwnCity(bureau: ConsoleUnderTest): Promise<{ city: string; name: string }> {
  const t = bureau.bureau
  const admin = await createUser(t, { roles: ['admin'] })
  const { access } = await login(t, admin.email, admin.password)
  const headers = { authorization: `Bearer ${access}` }
  const city = `Porto ${randomBytes(3).toString('hex')}`
  const name = `Hotel Ribeira ${city.slice(6)}`
  const hotel = await t.app.inject({
    method: 'POST',
    url: '/api/hotels',
    headers,
    payload: { name, location: city, address: 'Cais da Ribeira 1', services: ['wifi', 'breakfast'] },
  })
  assert.equal(hotel.statusCode, 201, hotel.body)
  const { id } = hotel.json<{ id: number }>()
  await picture(bureau, headers, `/api/hotels/${id}`)
  for (const room of [
    { name: 'Double, river view', description: 'A double bed over the river.', price: '120.00', quantity: 3 },
    { name: 'Single', description: 'A single bed.', price: '80.00', quantity: 1 },
  ]) {
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/hotels/${id}/rooms`,
      headers,
      payload: room,
    })
    assert.equal(created.statusCode, 201, created.body)
  }
  return { city, name }
}

/** Uploads a picture for a hotel or room (`/api/hotels/1`) and waits until its variants exist. */
async function picture(bureau: ConsoleUnderTest, headers: { authorization: string }, url: string) {
  const form = multipartForm([
    {
      name: 'image',
      value: await pictureBytes(1200, 900, 'jpeg'),
      filename: 'front.jpg',
      type: 'image/jpeg',
    },
  ])
  const t = bureau.bureau
  const uploaded = await t.app.inject({
    method: 'POST',
    url: `${url}/image`,
    headers: { ...headers, ...form.headers },
    payload: form.payload,
  })
  assert.equal(uploaded.statusCode, 202, uploaded.body)
  for (let attempt = 0; attempt < 100; attempt++) {
    const hotel = await t.app.inject({ method: 'GET', url })
    if (hotel.json<{ images: { status: string }[] }>().images[0]?.status === 'ready') return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the picture of ${url} has no variants`)
}

/** A booking of the single room for tonight, made as setup: its stay has started, so it cannot be cancelled. */
async function bookTonight(
  bureau: ConsoleUnderTest,
  guest: { email: string; password: string },
  city: string,
) {
  const t = bureau.bureau
  const { access } = await login(t, guest.email, guest.password)
  const headers = { authorization: `Bearer ${access}` }
  const hotels = await t.app.inject({
    method: 'GET',
    url: `/api/hotels?location=${encodeURIComponent(city)}`,
  })
  const hotelId = hotels.json<{ results: { id: number }[] }>().results[0]?.id
  const rooms = await t.app.inject({ method: 'GET', url: `/api/hotels/${hotelId}/rooms` })
  const single = rooms.json<{ id: number; name: string }[]>().find((room) => room.name === 'Single')
  const today = t.clock.today()
  const booked = await t.app.inject({
    method: 'POST',
    url: '/api/bookings',
    headers,
    payload: { room_id: single?.id, date_from: today, date_to: addDays(today, 1) },
  })
  assert.equal(booked.statusCode, 201, booked.body)
}

/**
 * A guest searches a city for dates, sees the rooms left and the total, books (card payments are off,
 * so it is confirmed), finds it in My bookings and cancels it; a stay that has started cannot be.
 */
export async function guestBooks(bureau: ConsoleUnderTest): Promise<void> {
  const { city, name } = await hotelInItsOwnCity(bureau)
  const guest = await createUser(bureau.bureau)
  await bookTonight(bureau, guest, city)
  const from = addDays(bureau.bureau.clock.today(), 10)
  const to = addDays(from, 3)
  const { context, page } = await signInAt(bureau, guest, '/')
  try {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hotels' }).click()
    await page.getByRole('heading', { name: 'Find a hotel' }).waitFor()
    await page.getByLabel('Location').fill(city.toLowerCase())
    await page.getByLabel('Arrival').fill(from)
    await page.getByLabel('Departure').fill(to)
    await page.getByRole('button', { name: 'Search' }).click()
    const card = page.getByRole('listitem').filter({ hasText: name })
    await card.getByText('4 rooms left').waitFor()
    // In a list, the smallest copy of the picture.
    assert.equal(await card.getByRole('img', { name: `${name}, ${city}` }).getAttribute('width'), '200')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'hotel-search')

    await card.getByRole('link', { name }).click()
    await page.getByRole('heading', { name, level: 1 }).waitFor()
    const srcset = await page.getByRole('img', { name: `${name}, ${city}` }).getAttribute('srcset')
    assert.equal(srcset?.split(', ').length, 3, `every copy of the picture in srcset: ${srcset}`)
    const double = page.getByRole('listitem').filter({ hasText: 'Double, river view' })
    await double.getByRole('definition').filter({ hasText: '360.00' }).waitFor()
    assert.equal(await double.locator('dd.rooms-left').innerText(), '3')
    assert.deepEqual(await seriousViolations(page), [])
    await screenshot(page, 'hotel-rooms')

    await double.getByRole('button', { name: 'Book Double, river view' }).click()
    const dialog = page.getByRole('dialog', { name: 'Book Double, river view?' })
    assert.match(await dialog.innerText(), /Total for the stay: 360\.00/)
    await dialog.getByRole('button', { name: 'Book', exact: true }).click()
    await page.getByRole('heading', { name: /^Booking \d+$/ }).waitFor()
    await page.locator('dl.details').getByText('Confirmed').waitFor()

    await myBookingsAndCancel(page, name)
  } finally {
    await context.close()
  }
}

async function myBookingsAndCancel(page: Page, hotelName: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My bookings' }).click()
  await page.getByRole('heading', { name: 'My bookings' }).waitFor()
  const stay = page.getByRole('row').filter({ hasText: 'Double, river view' })
  const tonight = page.getByRole('row').filter({ hasText: 'Single' })
  await stay.getByText('Confirmed').waitFor()
  assert.match(await stay.innerText(), new RegExp(hotelName))
  assert.deepEqual(await seriousViolations(page), [])
  await screenshot(page, 'my-bookings')

  // Tonight's stay has started: the API's 409, in its words.
  await tonight.getByRole('button', { name: 'Cancel booking' }).click()
  await tonight.getByRole('dialog').getByRole('button', { name: 'Cancel booking' }).click()
  await tonight.getByRole('alert').getByText('This stay has started').waitFor()

  await stay.getByRole('button', { name: 'Cancel booking' }).click()
  await stay.getByRole('dialog').getByRole('button', { name: 'Cancel booking' }).click()
  await stay.getByText('Cancelled').waitFor()
}

/** The hotel search on a phone: one column, nothing wider than the screen, no serious violations. */
export async function hotelSearchOnAPhone(bureau: ConsoleUnderTest): Promise<void> {
  const { city, name } = await hotelInItsOwnCity(bureau)
  const guest = await createUser(bureau.bureau)
  const from = addDays(bureau.bureau.clock.today(), 5)
  const search = `/hotels?location=${encodeURIComponent(city)}&date_from=${from}&date_to=${addDays(from, 2)}`
  const { context, page } = await signInAt(bureau, guest, search, { phone: true })
  try {
    await page.getByRole('listitem').filter({ hasText: name }).getByText('4 rooms left').waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone's screen`)
    await screenshot(page, 'hotel-search-phone')
  } finally {
    await context.close()
  }
}
