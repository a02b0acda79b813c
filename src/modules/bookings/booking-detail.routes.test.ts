import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import { startStripeApp, type StripeApp } from '../../../test/helpers/stripe-app.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Booking } from './bookings.schemas.ts'

/* GET /api/bookings/{id}: the owner's booking as their list shows it; anyone else's is not found. */

const NOW = '2026-03-02T12:00:00Z'
const STAY = { date_from: '2026-03-10', date_to: '2026-03-12' }

type Caller = SignedInUser | undefined
type Inject = (caller: Caller, request: InjectOptions) => Promise<LightMyRequestResponse>

async function book(inject: Inject, guest: SignedInUser, roomId: number): Promise<Booking> {
  const response = await inject(guest, {
    method: 'POST',
    url: '/api/bookings',
    payload: { room_id: roomId, ...STAY },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Booking>()
}

/** The booking as the guest's list shows it. */
async function listed(inject: Inject, guest: SignedInUser, id: number): Promise<Booking | undefined> {
  const response = await inject(guest, { method: 'GET', url: '/api/bookings?page_size=100' })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<Booking>>().results.find((booking) => booking.id === id)
}

async function one(inject: Inject, caller: Caller, id: number | string) {
  return inject(caller, { method: 'GET', url: `/api/bookings/${id}` })
}

describe('GET /api/bookings/{id}', () => {
  let t: TestApp
  let admin: SignedInUser
  let guest: SignedInUser
  let booking: Booking
  let roomId: number
  const inject: Inject = (caller, request) =>
    t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })

  before(async () => {
    t = await buildTestApp({ now: NOW })
    admin = await signIn(t, ['admin'])
    guest = await signIn(t)
    const hotel = await inject(admin, {
      method: 'POST',
      url: '/api/hotels',
      payload: { name: 'Hotel Detalhe', location: 'Detailville' },
    })
    const room = await inject(admin, {
      method: 'POST',
      url: `/api/hotels/${hotel.json<{ id: number }>().id}/rooms`,
      payload: { name: 'Single', description: 'One bed.', price: '90.00', quantity: 3, services: [] },
    })
    roomId = room.json<{ id: number }>().id
    booking = await book(inject, guest, roomId)
  })
  after(() => t.close())

  it('shows the owner their booking exactly as their list does', async () => {
    const response = await one(inject, guest, booking.id)
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), await listed(inject, guest, booking.id))
    assert.equal(response.json<Booking>().hotel_name, 'Hotel Detalhe')
  })

  it('shows a cancelled booking too, with its status', async () => {
    const cancelled = await book(inject, guest, roomId)
    const cancel = await inject(guest, { method: 'DELETE', url: `/api/bookings/${cancelled.id}` })
    assert.equal(cancel.statusCode, 204, cancel.body)
    const response = await one(inject, guest, cancelled.id)
    assert.equal(response.json<Booking>().status, 'cancelled')
  })

  it('answers 404 for someone else’s booking, even an admin’s request, and for an unknown id', async () => {
    const other = await signIn(t)
    assertProblem(await one(inject, other, booking.id), 404, 'not_found')
    assertProblem(await one(inject, admin, booking.id), 404, 'not_found')
    assertProblem(await one(inject, guest, 2147483647), 404, 'not_found')
  })

  it('answers 401 without a token and 400 for an id that is not one', async () => {
    assert.equal((await one(inject, undefined, booking.id)).statusCode, 401)
    for (const id of ['abc', '0', '-1', '99999999999']) {
      assert.equal((await one(inject, guest, id)).statusCode, 400, id)
    }
  })
})

describe('GET /api/bookings/{id} when guests pay by card', () => {
  let s: StripeApp
  const inject: Inject = (caller, request) => s.as(caller, request)
  before(async () => {
    s = await startStripeApp({ now: NOW })
  })
  after(() => s.close())

  it('carries the booking’s payment, as the list does', async () => {
    const guest = await signIn(s.t)
    const booking = await book(inject, guest, await s.newRoom(1, '80.00'))
    const response = await one(inject, guest, booking.id)
    assert.equal(response.statusCode, 200, response.body)
    const shown = response.json<Booking>()
    assert.equal(shown.status, 'pending_payment')
    assert.equal(shown.payment?.status, 'pending')
    assert.equal(shown.refund_status, null)
    assert.deepEqual(shown, await listed(inject, guest, booking.id))
  })
})
