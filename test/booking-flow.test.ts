import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from '../src/platform/http/pagination.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { login, signIn, uniqueEmail } from './helpers/accounts.ts'
import { startSmtpCapture, type SmtpCapture } from './helpers/smtp.ts'

interface Listed {
  id: number
  rooms_left?: number
  total_cost?: string
}

let t: TestApp
let smtp: SmtpCapture

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ now: '2026-03-02T12:00:00Z', env: { SMTP_URL: smtp.url } })
})
after(async () => {
  await t.close()
  await smtp.close()
})

describe('a guest books a hotel room', () => {
  it('registers, logs in, finds a hotel for the dates, books its room and gets the confirmation by email', async () => {
    const admin = await signIn(t, ['admin'])
    const hotel = await t.app.inject({
      method: 'POST',
      url: '/api/hotels',
      headers: admin.headers,
      payload: { name: 'Hotel Farol', location: 'Florianópolis', services: ['wifi'] },
    })
    const hotelId = hotel.json<{ id: number }>().id
    const room = await t.app.inject({
      method: 'POST',
      url: `/api/hotels/${hotelId}/rooms`,
      headers: admin.headers,
      payload: { name: 'Double', price: '150.00', quantity: 1 },
    })
    assert.equal(room.statusCode, 201, room.body)

    const email = uniqueEmail('guest')
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: 'a-long-password', first_name: 'Rita', last_name: 'Reis' },
    })
    assert.equal(registered.statusCode, 201, registered.body)
    const { access } = await login(t, email, 'a-long-password')
    const guest = { authorization: `Bearer ${access}` }

    const dates = 'date_from=2026-03-20&date_to=2026-03-23'
    const found = await t.app.inject({ url: `/api/hotels?location=florian&${dates}` })
    assert.deepEqual(
      found.json<Page<Listed>>().results.map((item) => [item.id, item.rooms_left]),
      [[hotelId, 1]],
    )
    const rooms = await t.app.inject({ url: `/api/hotels/${hotelId}/rooms?${dates}` })
    const [offer] = rooms.json<Listed[]>()
    assert.equal(offer?.total_cost, '450.00')

    const booked = await t.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: guest,
      payload: { room_id: offer.id, date_from: '2026-03-20', date_to: '2026-03-23' },
    })
    assert.equal(booked.statusCode, 201, booked.body)
    assert.equal(booked.json<{ total_cost: string }>().total_cost, '450.00')
    const after = await t.app.inject({ url: `/api/hotels?location=florian&${dates}` })
    assert.equal(after.json<Page<Listed>>().count, 0)

    await t.platform.jobs.drain()
    const confirmation = smtp.messages.find(
      (message) => message.recipients.includes(email) && message.parsed.subject === 'Booking confirmed',
    )
    assert.ok(confirmation, 'a confirmation email reached the guest over SMTP')
    assert.match(confirmation.parsed.text ?? '', /Hello Rita/)
    assert.match(confirmation.parsed.text ?? '', /Hotel Farol/)
    assert.match(confirmation.parsed.text ?? '', /450\.00/)
  })
})
