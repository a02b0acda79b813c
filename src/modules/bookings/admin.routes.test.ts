import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { login, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Booking, Hotel, Room } from './bookings.schemas.ts'

const NOW = '2026-03-02T12:00:00Z'

let t: TestApp
let admin: SignedInUser
let guest: SignedInUser

before(async () => {
  t = await buildTestApp({ now: NOW })
  admin = await signIn(t, ['admin'])
  guest = await signIn(t)
})
beforeEach(() => {
  t.clock.set(NOW)
})
after(() => t.close())

function as(caller: SignedInUser | undefined, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
}

async function created<T>(response: LightMyRequestResponse): Promise<T> {
  assert.equal(response.statusCode, 201, response.body)
  return response.json<T>()
}

async function hotelWithRoom(quantity = 2): Promise<{ hotel: Hotel; room: Room }> {
  const hotel = await created<Hotel>(
    await as(admin, {
      method: 'POST',
      url: '/api/hotels',
      payload: {
        name: 'Grande Hotel',
        location: 'Belo Horizonte',
        address: 'Av. Afonso Pena 1',
        services: ['wifi'],
      },
    }),
  )
  const room = await created<Room>(
    await as(admin, {
      method: 'POST',
      url: `/api/hotels/${hotel.id}/rooms`,
      payload: { name: 'Twin', description: 'Two beds.', price: '75.5', quantity, services: ['tv'] },
    }),
  )
  return { hotel, room }
}

function book(room: Room, from: string, to: string) {
  return as(guest, {
    method: 'POST',
    url: '/api/bookings',
    payload: { room_id: room.id, date_from: from, date_to: to },
  })
}

/** Moves the clock and signs the admin in again (access tokens expire as time passes). */
async function moveTo(instant: string): Promise<SignedInUser> {
  t.clock.set(instant)
  const tokens = await login(t, admin.email, admin.password)
  return { ...admin, ...tokens, headers: { authorization: `Bearer ${tokens.access}` } }
}

describe('hotels and rooms as administrators keep them', () => {
  it('creates a hotel and a room type and shows them to anyone, money as a decimal string', async () => {
    const { hotel, room } = await hotelWithRoom()
    assert.deepEqual(
      { ...hotel, created_at: undefined, updated_at: undefined },
      {
        id: hotel.id,
        name: 'Grande Hotel',
        location: 'Belo Horizonte',
        address: 'Av. Afonso Pena 1',
        services: ['wifi'],
        images: [],
        created_at: undefined,
        updated_at: undefined,
      },
    )
    assert.deepEqual((await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}` })).json(), hotel)
    const rooms = (await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}/rooms` })).json<
      Room[]
    >()
    assert.deepEqual(rooms, [
      {
        id: room.id,
        hotel_id: hotel.id,
        name: 'Twin',
        description: 'Two beds.',
        price: '75.50',
        quantity: 2,
        services: ['tv'],
        images: [],
      },
    ])
  })

  it('changes some fields of a hotel and of a room type', async () => {
    const { hotel, room } = await hotelWithRoom()
    const patched = await as(admin, {
      method: 'PATCH',
      url: `/api/hotels/${hotel.id}`,
      payload: { services: [] },
    })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.deepEqual(patched.json<Hotel>().services, [])
    assert.equal(patched.json<Hotel>().name, 'Grande Hotel')
    const room2 = await as(admin, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { price: '80' } })
    assert.equal(room2.json<Room>().price, '80.00')
    assert.equal(room2.json<Room>().quantity, 2)
  })

  it('refuses bad bodies with field errors (400)', async () => {
    const { hotel, room } = await hotelWithRoom()
    assert.deepEqual(
      Object.keys(
        assertInvalid(await as(admin, { method: 'POST', url: '/api/hotels', payload: { name: '' } })),
      ).sort(),
      ['location', 'name'],
    )
    const badRoom = await as(admin, {
      method: 'POST',
      url: `/api/hotels/${hotel.id}/rooms`,
      payload: { name: 'X', price: '10.001', quantity: 1 },
    })
    assert.deepEqual(assertInvalid(badRoom), { price: ['Use at most 2 decimal places.'] })
    const zero = await as(admin, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { quantity: 0 } })
    assert.deepEqual(Object.keys(assertInvalid(zero)), ['quantity'])
    const free = await as(admin, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { price: 0 } })
    assert.deepEqual(Object.keys(assertInvalid(free)), ['price'])
    const empty = await as(admin, { method: 'PATCH', url: `/api/hotels/${hotel.id}`, payload: {} })
    assert.equal(empty.statusCode, 400, empty.body)
  })

  it('refuses names, locations and services of only spaces (400 on the field, never a 500)', async () => {
    const { hotel, room } = await hotelWithRoom()
    const blankHotel = await as(admin, {
      method: 'POST',
      url: '/api/hotels',
      payload: { name: '   ', location: ' ', services: [' '] },
    })
    assert.deepEqual(assertInvalid(blankHotel), {
      name: ['This field may not be blank.'],
      location: ['This field may not be blank.'],
      'services.0': ['This field may not be blank.'],
    })
    const renamed = await as(admin, {
      method: 'PATCH',
      url: `/api/hotels/${hotel.id}`,
      payload: { name: '  ' },
    })
    assert.deepEqual(assertInvalid(renamed), { name: ['This field may not be blank.'] })
    const blankRoom = await as(admin, {
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      payload: { name: ' ' },
    })
    assert.deepEqual(assertInvalid(blankRoom), { name: ['This field may not be blank.'] })
  })

  it('refuses a null character in a search or a name with 400', async () => {
    assertInvalid(await t.app.inject({ method: 'GET', url: '/api/hotels?location=%00' }))
    const named = await as(admin, {
      method: 'POST',
      url: '/api/hotels',
      payload: { name: 'Hotel\u0000', location: 'Rio' },
    })
    assert.deepEqual(Object.keys(assertInvalid(named)), ['name'])
  })
})

describe('deleting rooms and hotels', () => {
  it('refuses to delete a room type with a confirmed stay to come (409), and keeps it', async () => {
    const { hotel, room } = await hotelWithRoom()
    assert.equal((await book(room, '2026-03-05', '2026-03-07')).statusCode, 201)
    assertProblem(
      await as(admin, { method: 'DELETE', url: `/api/rooms/${room.id}` }),
      409,
      'room_has_bookings',
    )
    assertProblem(
      await as(admin, { method: 'DELETE', url: `/api/hotels/${hotel.id}` }),
      409,
      'hotel_has_bookings',
    )
    const rooms = (await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}/rooms` })).json<
      Room[]
    >()
    assert.equal(rooms.length, 1)
  })

  it('deletes a room type once its stays are over, keeping the past booking in the guest’s list', async () => {
    const { room } = await hotelWithRoom()
    const booking = (await book(room, '2026-03-05', '2026-03-07')).json<Booking>()
    const later = await moveTo('2026-03-07T12:00:00Z')
    assert.equal((await as(later, { method: 'DELETE', url: `/api/rooms/${room.id}` })).statusCode, 204)
    const tokens = await login(t, guest.email, guest.password)
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/bookings?page_size=100',
      headers: { authorization: `Bearer ${tokens.access}` },
    })
    const kept = list.json<Page<Booking>>().results.find((item) => item.id === booking.id)
    assert.deepEqual(
      { room_id: kept?.room_id, hotel_name: kept?.hotel_name, room_name: kept?.room_name },
      { room_id: null, hotel_name: 'Grande Hotel', room_name: 'Twin' },
    )
  })

  it('deletes a room type whose only bookings were cancelled', async () => {
    const { room } = await hotelWithRoom()
    const booking = (await book(room, '2026-03-05', '2026-03-07')).json<Booking>()
    await as(guest, { method: 'DELETE', url: `/api/bookings/${booking.id}` })
    assert.equal((await as(admin, { method: 'DELETE', url: `/api/rooms/${room.id}` })).statusCode, 204)
  })

  it('deletes a hotel with its room types', async () => {
    const { hotel, room } = await hotelWithRoom()
    assert.equal((await as(admin, { method: 'DELETE', url: `/api/hotels/${hotel.id}` })).statusCode, 204)
    assertProblem(await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}` }), 404, 'not_found')
    assertProblem(
      await as(admin, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { quantity: 1 } }),
      404,
      'not_found',
    )
  })

  it('answers deleting a missing hotel or room with 404', async () => {
    assertProblem(await as(admin, { method: 'DELETE', url: '/api/hotels/2147483647' }), 404, 'not_found')
    assertProblem(await as(admin, { method: 'DELETE', url: '/api/rooms/2147483647' }), 404, 'not_found')
  })
})

describe('changing the quantity of a room type', () => {
  it('refuses fewer rooms than confirmed bookings to come need on their fullest night (409)', async () => {
    const { room } = await hotelWithRoom(3)
    assert.equal((await book(room, '2026-03-05', '2026-03-07')).statusCode, 201)
    assert.equal((await book(room, '2026-03-06', '2026-03-08')).statusCode, 201)
    assert.equal((await book(room, '2026-03-09', '2026-03-10')).statusCode, 201)
    assertProblem(
      await as(admin, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { quantity: 1 } }),
      409,
      'room_quantity_below_bookings',
    )
    const two = await as(admin, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { quantity: 2 } })
    assert.equal(two.statusCode, 200, two.body)
    assert.equal(two.json<Room>().quantity, 2)
  })
})
