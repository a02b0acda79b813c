import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { login, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import { startStripeApp, type StripeApp } from '../../../test/helpers/stripe-app.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Booking } from '../bookings/index.ts'

/** The booking answer when guests pay: with its payment and refund. */
type PaidBooking = Booking & {
  payment: { checkout_url: string | null; expires_at: string; status: string } | null
  refund_status: string | null
}

const NOW = '2026-03-02T12:00:00Z'
const MINUTE = 60_000

let s: StripeApp

before(async () => {
  s = await startStripeApp({ now: NOW })
})
beforeEach(() => {
  s.t.clock.set(NOW)
})
after(async () => {
  await s.close()
})

/** The same user with a token issued now: access tokens expire when the clock moves on. */
async function again(user: SignedInUser): Promise<SignedInUser> {
  const tokens = await login(s.t, user.email, user.password)
  return { ...user, ...tokens, headers: { authorization: `Bearer ${tokens.access}` } }
}

function postBooking(guest: SignedInUser, roomId: number, from = '2026-03-10', to = '2026-03-12') {
  return s.as(guest, {
    method: 'POST',
    url: '/api/bookings',
    payload: { room_id: roomId, date_from: from, date_to: to },
  })
}

async function book(guest: SignedInUser, roomId: number): Promise<PaidBooking> {
  const response = await postBooking(guest, roomId)
  assert.equal(response.statusCode, 201, response.body)
  return response.json<PaidBooking>()
}

/** The guest's view of one of their bookings. */
async function bookingOf(guest: SignedInUser, id: number): Promise<PaidBooking> {
  const caller = await again(guest)
  const response = await s.as(caller, { method: 'GET', url: '/api/bookings?page_size=100' })
  assert.equal(response.statusCode, 200, response.body)
  const found = response.json<Page<PaidBooking>>().results.find((booking) => booking.id === id)
  assert.ok(found, `booking ${id} is listed`)
  return found
}

const roomsLeft = (roomId: number) => s.roomsLeft(roomId, '2026-03-10', '2026-03-12')

/** The Stripe session opened for a booking. */
function sessionOf(booking: PaidBooking) {
  const session = [...s.stripe.sessions.values()].find(
    (candidate) => candidate.metadata.booking_id === String(booking.id),
  )
  assert.ok(session, `a Checkout Session exists for booking ${booking.id}`)
  return session
}

/** The guest pays on Stripe's page, and Stripe tells Bureau. */
async function pay(booking: PaidBooking) {
  const session = s.stripe.pay(sessionOf(booking).id)
  const event = s.stripe.event('checkout.session.completed', session)
  assert.equal((await s.deliver(event)).statusCode, 200)
  await s.drain()
  return { session, event }
}

const subjects = async (guest: SignedInUser) =>
  (await s.emailsTo(guest.email)).map((email) => email.parsed.subject)

describe('paying for a booking', () => {
  it('holds the rooms pending_payment and answers where to pay, from a Checkout Session of the total', async () => {
    const guest = await signIn(s.t)
    const roomId = await s.newRoom(2, '120.00')
    const booking = await book(guest, roomId)
    assert.equal(booking.status, 'pending_payment')
    assert.equal(booking.payment?.status, 'pending')
    assert.equal(booking.payment.expires_at, new Date(Date.parse(NOW) + 15 * MINUTE).toISOString())
    const session = sessionOf(booking)
    assert.equal(booking.payment.checkout_url, session.url)
    assert.equal(session.amount_total, 24_000)
    assert.equal(session.currency, 'eur')
    assert.equal(session.client_reference_id, String(booking.id))
    assert.match(
      session.success_url,
      new RegExp(`^http://console.test/bookings/${booking.id}\\?payment=success`),
    )
    const [create] = s.stripe
      .calls('POST', /^\/v1\/checkout\/sessions$/)
      .filter((call) => (call.params.metadata as Record<string, string>).booking_id === String(booking.id))
    assert.ok(create?.idempotencyKey, 'the session is created with an idempotency key')
    assert.equal(await roomsLeft(roomId), 1)
    assert.deepEqual(await subjects(guest), [], 'no confirmation before the payment')
  })

  it('book → pay → confirmed (emailed) → cancel → refunded through Stripe (emailed)', async () => {
    const guest = await signIn(s.t)
    const roomId = await s.newRoom(1, '80.00')
    const booking = await book(guest, roomId)
    const { session } = await pay(booking)

    let seen = await bookingOf(guest, booking.id)
    assert.equal(seen.status, 'confirmed')
    assert.equal(seen.payment?.status, 'paid')
    assert.equal(seen.payment.checkout_url, null)
    assert.deepEqual(await subjects(guest), ['Booking confirmed'])

    const cancel = await s.as(await again(guest), { method: 'DELETE', url: `/api/bookings/${booking.id}` })
    assert.equal(cancel.statusCode, 204, cancel.body)
    await s.drain()
    const refunds = [...s.stripe.refunds.values()].filter(
      (refund) => refund.payment_intent === session.payment_intent,
    )
    assert.equal(refunds.length, 1)
    assert.equal(refunds[0]?.amount, 16_000)
    const [refundCall] = s.stripe
      .calls('POST', /^\/v1\/refunds$/)
      .filter((call) => call.params.payment_intent === session.payment_intent)
    assert.ok(refundCall?.idempotencyKey, 'the refund is asked with an idempotency key')

    seen = await bookingOf(guest, booking.id)
    assert.equal(seen.status, 'cancelled')
    assert.equal(seen.refund_status, 'succeeded')
    assert.equal(seen.payment?.status, 'refunded')
    const cancelled = (await s.emailsTo(guest.email)).find(
      (email) => email.parsed.subject === 'Booking cancelled',
    )
    assert.match(cancelled?.parsed.text ?? '', /refunded/)
    assert.equal(await roomsLeft(roomId), 1)
  })

  it('a refund whose answer was lost is asked again with the same key: one refund at Stripe', async () => {
    const guest = await signIn(s.t)
    const booking = await book(guest, await s.newRoom(1))
    const { session } = await pay(booking)
    s.stripe.fault({ method: 'POST', path: /^\/v1\/refunds$/, loseAnswer: true })
    await s.as(await again(guest), { method: 'DELETE', url: `/api/bookings/${booking.id}` })
    await s.drain()
    const calls = s.stripe
      .calls('POST', /^\/v1\/refunds$/)
      .filter((call) => call.params.payment_intent === session.payment_intent)
    assert.equal(calls.length, 2)
    assert.equal(calls[0]?.idempotencyKey, calls[1]?.idempotencyKey)
    const refunds = [...s.stripe.refunds.values()].filter(
      (refund) => refund.payment_intent === session.payment_intent,
    )
    assert.equal(refunds.length, 1)
    assert.equal((await bookingOf(guest, booking.id)).refund_status, 'succeeded')
  })
})

describe('holds', () => {
  it('a hold passing unpaid expires the booking (no webhook needed), frees its rooms and closes the session', async () => {
    const guest = await signIn(s.t)
    const roomId = await s.newRoom(1)
    const booking = await book(guest, roomId)
    assert.equal(await roomsLeft(roomId), 0)
    s.t.clock.advance(14 * MINUTE)
    await s.expireHolds()
    assert.equal((await bookingOf(guest, booking.id)).status, 'pending_payment', 'not before expires_at')
    s.t.clock.advance(2 * MINUTE)
    await s.expireHolds()
    const seen = await bookingOf(guest, booking.id)
    assert.equal(seen.status, 'expired')
    assert.equal(seen.payment?.status, 'expired')
    assert.equal(sessionOf(booking).status, 'expired')
    assert.equal(await roomsLeft(roomId), 1, 'its room is free again (the cached room list purged)')
  })

  it('a hold that passed takes no room for a new booking, even before the sweep expires it', async () => {
    const roomId = await s.newRoom(1)
    await book(await signIn(s.t), roomId)
    s.t.clock.advance(16 * MINUTE)
    const next = await book(await signIn(s.t), roomId)
    assert.equal(next.status, 'pending_payment')
  })

  it('checkout.session.expired from Stripe expires the booking too', async () => {
    const guest = await signIn(s.t)
    const booking = await book(guest, await s.newRoom(1))
    const session = sessionOf(booking)
    session.status = 'expired'
    assert.equal((await s.deliver(s.stripe.event('checkout.session.expired', session))).statusCode, 200)
    await s.drain()
    assert.equal((await bookingOf(guest, booking.id)).status, 'expired')
  })

  it('two guests racing for the last room while a third holds it: both are refused', async () => {
    const roomId = await s.newRoom(1)
    const holder = await signIn(s.t)
    await book(holder, roomId)
    const [first, second] = await Promise.all([signIn(s.t), signIn(s.t)])
    const answers = await Promise.all([postBooking(first, roomId), postBooking(second, roomId)])
    for (const answer of answers) assertProblem(answer, 409, 'no_rooms_left')
  })

  it('two guests racing for the last room: one holds it, the other is refused', async () => {
    const roomId = await s.newRoom(1)
    const [first, second] = await Promise.all([signIn(s.t), signIn(s.t)])
    const answers = await Promise.all([postBooking(first, roomId), postBooking(second, roomId)])
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [201, 409])
  })
})

describe('late payments', () => {
  it('a payment after the hold expired and the room was taken is refunded in full, and the guest told', async () => {
    const roomId = await s.newRoom(1)
    const late = await signIn(s.t)
    const booking = await book(late, roomId)
    s.t.clock.advance(16 * MINUTE)
    await s.expireHolds()
    const other = await signIn(s.t)
    const taken = await book(other, roomId)
    await pay(taken)

    const { session } = await pay(booking)
    const seen = await bookingOf(late, booking.id)
    assert.equal(seen.status, 'expired')
    const refunds = [...s.stripe.refunds.values()].filter(
      (refund) => refund.payment_intent === session.payment_intent,
    )
    assert.equal(refunds.length, 1)
    assert.equal(seen.refund_status, 'succeeded')
    assert.deepEqual(await subjects(late), ['Payment refunded'])
    assert.equal((await bookingOf(other, taken.id)).status, 'confirmed')
    assert.equal(await roomsLeft(roomId), 0, 'never overbooked')
  })

  it('a payment after the hold passed, with the room still free, confirms the booking', async () => {
    const guest = await signIn(s.t)
    const booking = await book(guest, await s.newRoom(1))
    s.t.clock.advance(16 * MINUTE)
    await s.expireHolds()
    const { session } = await pay(booking)
    const seen = await bookingOf(guest, booking.id)
    assert.equal(seen.status, 'confirmed')
    assert.equal(seen.refund_status, null)
    assert.ok(
      ![...s.stripe.refunds.values()].some((refund) => refund.payment_intent === session.payment_intent),
    )
  })
})

describe('webhooks', () => {
  it('an event delivered 5 times is stored once and handled once', async () => {
    const guest = await signIn(s.t)
    const booking = await book(guest, await s.newRoom(1))
    const session = s.stripe.pay(sessionOf(booking).id)
    const event = s.stripe.event('checkout.session.completed', session)
    for (let delivery = 0; delivery < 5; delivery += 1) {
      const response = await s.deliver(event)
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json(), { received: true })
    }
    await s.drain()
    assert.equal(await s.storedEvents(event.id), 1)
    assert.deepEqual(await subjects(guest), ['Booking confirmed'])
  })

  it('events out of order: expired after completed leaves the booking confirmed; completed twice emails once', async () => {
    const guest = await signIn(s.t)
    const booking = await book(guest, await s.newRoom(1))
    const session = s.stripe.pay(sessionOf(booking).id)
    const completed = s.stripe.event('checkout.session.completed', session)
    const again = s.stripe.event('checkout.session.completed', session)
    const expired = s.stripe.event('checkout.session.expired', { ...session, status: 'expired' })
    for (const event of [completed, expired, again, completed, expired]) {
      assert.equal((await s.deliver(event)).statusCode, 200)
    }
    await s.drain()
    const seen = await bookingOf(guest, booking.id)
    assert.equal(seen.status, 'confirmed')
    assert.equal(seen.payment?.status, 'paid')
    assert.deepEqual(await subjects(guest), ['Booking confirmed'])
  })

  it('a refund event sent before a later one (pending after succeeded) keeps the final state', async () => {
    const guest = await signIn(s.t)
    const booking = await book(guest, await s.newRoom(1))
    const { session } = await pay(booking)
    await s.as(await again(guest), { method: 'DELETE', url: `/api/bookings/${booking.id}` })
    await s.drain()
    const refund = [...s.stripe.refunds.values()].find((r) => r.payment_intent === session.payment_intent)
    assert.ok(refund)
    const pending = s.stripe.event('refund.updated', { ...refund, status: 'pending' })
    assert.equal((await s.deliver(pending)).statusCode, 200)
    await s.drain()
    assert.equal((await bookingOf(guest, booking.id)).refund_status, 'succeeded')
  })

  it('a bad or missing signature → 400 invalid_signature, and nothing is stored', async () => {
    const event = s.stripe.event('checkout.session.completed', { id: 'cs_nothing' })
    const forged = s.stripe.sign(`${event.body} `, s.t.clock.now())
    assertProblem(await s.deliver(event, forged), 400, 'invalid_signature')
    const missing = await s.t.app.inject({
      method: 'POST',
      url: '/api/billing/stripe/webhook',
      headers: { 'content-type': 'application/json' },
      payload: event.body,
    })
    assertProblem(missing, 400, 'invalid_signature')
    const old = s.stripe.sign(event.body, new Date(s.t.clock.now().getTime() - 60 * MINUTE))
    assertProblem(await s.deliver(event, old), 400, 'invalid_signature')
    assert.equal(await s.storedEvents(event.id), 0)
  })
})

describe('Stripe failing', () => {
  it('an error creating the Checkout Session → 503, and the booking holds no room', async () => {
    const guest = await signIn(s.t)
    const roomId = await s.newRoom(1)
    s.stripe.fault({ method: 'POST', path: /^\/v1\/checkout\/sessions$/, status: 500, times: 2 })
    assertProblem(await postBooking(guest, roomId), 503, 'payment_provider_unavailable')
    assert.equal(await roomsLeft(roomId), 1)
    const response = await s.as(guest, { method: 'GET', url: '/api/bookings?page_size=100' })
    const [failed] = response
      .json<Page<PaidBooking>>()
      .results.filter((booking) => booking.room_id === roomId)
    assert.equal(failed?.status, 'expired')
    assert.equal(failed.payment?.status, 'failed')
    assert.equal((await postBooking(guest, roomId)).statusCode, 201, 'the room can be booked again')
  })

  it('Stripe not answering in time (STRIPE_TIMEOUT) → 503, and the booking holds no room', async () => {
    const guest = await signIn(s.t)
    const roomId = await s.newRoom(1)
    s.stripe.fault({ method: 'POST', path: /^\/v1\/checkout\/sessions$/, hang: true, times: 2 })
    assertProblem(await postBooking(guest, roomId), 503, 'payment_provider_unavailable')
    assert.equal(await roomsLeft(roomId), 1)
  })
})
