import assert from 'node:assert/strict'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { createModules } from '../../src/app.ts'
import { login, signIn, type SignedInUser } from './accounts.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { startSmtpCapture, type CapturedEmail, type SmtpCapture } from './smtp.ts'
import { startStripeServer, type StripeServer } from './stripe-server.ts'

export interface StripeApp {
  t: TestApp
  stripe: StripeServer
  smtp: SmtpCapture
  admin: SignedInUser
  operator: SignedInUser
  as(caller: SignedInUser | undefined, request: InjectOptions): Promise<LightMyRequestResponse>
  /** A hotel with one room type of `quantity` rooms at `price` a night; returns the room type's id. */
  newRoom(quantity: number, price?: string): Promise<number>
  /** Rooms of a type left for a stay, as the public room list shows them. */
  roomsLeft(roomId: number, from: string, to: string): Promise<number | undefined>
  /** How many webhook events with this id are stored. */
  storedEvents(eventId: string): Promise<number>
  /** Sends an event to the webhook, signed as Stripe signs it (by the app's clock). */
  deliver(event: { body: string }, signature?: string): Promise<LightMyRequestResponse>
  /** Runs the queued jobs (webhook handling, refunds, emails…) until none is left. */
  drain(): Promise<void>
  /** Runs the hold expiry once, as its cron occurrence would. */
  expireHolds(): Promise<void>
  /** Emails received by `to` so far (after draining the queue). */
  emailsTo(to: string): Promise<CapturedEmail[]>
  close(): Promise<void>
}

let hotels = 0
const hotelOfRoom = new Map<number, number>()

/** The application with billing on, paying through a local Stripe server, and an SMTP capture. */
export async function startStripeApp(
  options: { now?: string; env?: Record<string, string> } = {},
): Promise<StripeApp> {
  const stripe = await startStripeServer()
  const smtp = await startSmtpCapture()
  const t = await buildTestApp({
    now: options.now ?? '2026-03-02T12:00:00Z',
    env: {
      SMTP_URL: smtp.url,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_BASE: stripe.url,
      STRIPE_TIMEOUT: '1',
      APP_URL: 'http://console.test',
      ...options.env,
    },
  })
  const admin = await signIn(t, ['admin'])
  const operator = await signIn(t, ['operator'])
  const as = (caller: SignedInUser | undefined, request: InjectOptions) =>
    t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
  const sweep = createModules(t.platform).billing.jobs.find((job) => job.name === 'billing.expire-holds')
  assert.ok(sweep, 'the hold expiry job exists when billing is on')

  return {
    t,
    stripe,
    smtp,
    admin,
    operator,
    as,
    async newRoom(quantity, price = '100.00') {
      hotels += 1
      // Signed in again: access tokens expire when a test moves the clock on.
      const { access } = await login(t, admin.email, admin.password)
      const fresh = { ...admin, headers: { authorization: `Bearer ${access}` } }
      const hotel = await as(fresh, {
        method: 'POST',
        url: '/api/hotels',
        payload: { name: `Paying hotel ${hotels}`, location: `Payville ${hotels}` },
      })
      assert.equal(hotel.statusCode, 201, hotel.body)
      const room = await as(fresh, {
        method: 'POST',
        url: `/api/hotels/${hotel.json<{ id: number }>().id}/rooms`,
        payload: { name: 'Double', price, quantity },
      })
      assert.equal(room.statusCode, 201, room.body)
      const { id, hotel_id: hotelId } = room.json<{ id: number; hotel_id: number }>()
      hotelOfRoom.set(id, hotelId)
      return id
    },
    async roomsLeft(roomId, from, to) {
      const response = await as(undefined, {
        method: 'GET',
        url: `/api/hotels/${hotelOfRoom.get(roomId)}/rooms?date_from=${from}&date_to=${to}`,
      })
      assert.equal(response.statusCode, 200, response.body)
      return response.json<{ id: number; rooms_left?: number }[]>().find((room) => room.id === roomId)
        ?.rooms_left
    },
    async storedEvents(eventId) {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from stripe_events where id = ${eventId}`.execute(t.platform.db)
      return rows[0]?.count ?? 0
    },
    deliver(event, signature) {
      return t.app.inject({
        method: 'POST',
        url: '/api/billing/stripe/webhook',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signature ?? stripe.sign(event.body, t.clock.now()),
        },
        payload: event.body,
      })
    },
    async drain() {
      await t.platform.jobs.drain()
    },
    async expireHolds() {
      await t.platform.jobs.send(sweep, {}, { executor: t.platform.db })
      await t.platform.jobs.drain()
    },
    async emailsTo(to) {
      await t.platform.jobs.drain()
      return smtp.messages.filter((message) => message.recipients.includes(to))
    },
    close: async () => {
      await t.close()
      await stripe.close()
      await smtp.close()
    },
  }
}
