import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { startSmtpCapture, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import { createAuthModule } from '../auth/index.ts'
import type { Booking, Hotel, Room } from './bookings.schemas.ts'
import { createBookingsModule } from './index.ts'

const NOW = '2026-03-02T12:00:00Z'

let t: TestApp
let smtp: SmtpCapture
let admin: SignedInUser

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ now: NOW, env: { SMTP_URL: smtp.url } })
  admin = await signIn(t, ['admin'])
})
after(async () => {
  await t.close()
  await smtp.close()
})

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

async function created<T>(response: LightMyRequestResponse): Promise<T> {
  assert.equal(response.statusCode, 201, response.body)
  return response.json<T>()
}

/** Runs the scheduled reminder job once, as its cron occurrence would, and every job it enqueues. */
async function runReminderJob(): Promise<void> {
  const auth = createAuthModule(t.platform)
  const [reminder] = createBookingsModule(t.platform, { guards: auth.api.guards, contacts: auth.api }).jobs
  assert.ok(reminder)
  await t.platform.jobs.send(reminder, {}, { executor: t.platform.db })
  await t.platform.jobs.drain()
}

const subjectsTo = (user: SignedInUser) =>
  smtp.messages
    .filter((message) => message.recipients.includes(user.email))
    .map((message) => message.parsed.subject)

describe('the reminder job (BOOKING_REMINDER_CRON)', () => {
  it('emails guests whose stay starts tomorrow, once per booking', async () => {
    const hotel = await created<Hotel>(
      await as(admin, {
        method: 'POST',
        url: '/api/hotels',
        payload: { name: 'Pousada', location: 'Paraty' },
      }),
    )
    const room = await created<Room>(
      await as(admin, {
        method: 'POST',
        url: `/api/hotels/${hotel.id}/rooms`,
        payload: { name: 'Double', price: '90.00', quantity: 5 },
      }),
    )
    const book = async (guest: SignedInUser, from: string, to: string) =>
      created<Booking>(
        await as(guest, {
          method: 'POST',
          url: '/api/bookings',
          payload: { room_id: room.id, date_from: from, date_to: to },
        }),
      )
    const tomorrow = await signIn(t)
    const dayAfter = await signIn(t)
    const cancelled = await signIn(t)
    await book(tomorrow, '2026-03-03', '2026-03-05')
    await book(dayAfter, '2026-03-04', '2026-03-05')
    const gone = await book(cancelled, '2026-03-03', '2026-03-04')
    assert.equal((await as(cancelled, { method: 'DELETE', url: `/api/bookings/${gone.id}` })).statusCode, 204)

    await runReminderJob()
    await runReminderJob()

    assert.deepEqual(subjectsTo(tomorrow).sort(), ['Booking confirmed', 'Your stay starts tomorrow'])
    assert.deepEqual(subjectsTo(dayAfter), ['Booking confirmed'])
    assert.deepEqual(subjectsTo(cancelled).sort(), ['Booking cancelled', 'Booking confirmed'])
    const reminder = smtp.messages.find(
      (message) =>
        message.recipients.includes(tomorrow.email) && message.parsed.subject === 'Your stay starts tomorrow',
    )
    assert.match(reminder?.parsed.text ?? '', /Pousada/)
  })
})
