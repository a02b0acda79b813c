import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import type { Role } from '../../platform/http/actor.ts'
import type { Booking, Hotel, Room } from './bookings.schemas.ts'

const NOW = '2026-03-02T12:00:00Z'
const STAY = { date_from: '2026-03-10', date_to: '2026-03-12' }
/** An id nothing has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647

type Caller = 'anonymous' | 'plain user' | 'approver' | 'operator' | 'admin' | 'owner'
const CALLERS: Caller[] = ['anonymous', 'plain user', 'approver', 'operator', 'admin', 'owner']
const ROLES_OF: Record<Exclude<Caller, 'anonymous' | 'owner'>, Role[]> = {
  'plain user': [],
  approver: ['approver'],
  operator: ['operator'],
  admin: ['admin'],
}

const REFUSAL_CODE: Record<number, string> = {
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
}

/** Anyone at all. */
const everyone = (status: number): Record<Caller, number> => ({
  anonymous: status,
  'plain user': status,
  approver: status,
  operator: status,
  admin: status,
  owner: status,
})

/** Administrators only. */
const adminOnly = (status: number): Record<Caller, number> => ({
  anonymous: 401,
  'plain user': 403,
  approver: 403,
  operator: 403,
  admin: status,
  owner: 403,
})

/** Every signed-in user. */
const signedIn = (status: number): Record<Caller, number> => ({ ...everyone(status), anonymous: 401 })

/** The hotel, room type and booking a request is about; `owner` made the booking. */
interface World {
  hotel: Hotel
  room: Room
  booking: Booking
  owner: SignedInUser
}

let t: TestApp
let admin: SignedInUser

before(async () => {
  t = await buildTestApp({ now: NOW })
  admin = await signIn(t, ['admin'])
})
after(() => t.close())

function as(caller: SignedInUser | undefined, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
}

async function created<T>(response: LightMyRequestResponse): Promise<T> {
  assert.equal(response.statusCode, 201, response.body)
  return response.json<T>()
}

async function newWorld(): Promise<World> {
  const hotel = await created<Hotel>(
    await as(admin, {
      method: 'POST',
      url: '/api/hotels',
      payload: { name: 'Hotel', location: 'Ouro Preto' },
    }),
  )
  const room = await created<Room>(
    await as(admin, {
      method: 'POST',
      url: `/api/hotels/${hotel.id}/rooms`,
      payload: { name: 'Single', price: '50.00', quantity: 3 },
    }),
  )
  const owner = await signIn(t)
  const booking = await created<Booking>(
    await as(owner, { method: 'POST', url: '/api/bookings', payload: { room_id: room.id, ...STAY } }),
  )
  return { hotel, room, booking, owner }
}

async function callerFor(caller: Caller, world: World): Promise<SignedInUser | undefined> {
  if (caller === 'anonymous') return undefined
  if (caller === 'owner') return world.owner
  return signIn(t, ROLES_OF[caller])
}

interface RouteRule {
  route: string
  expected: Record<Caller, number>
  send(caller: SignedInUser | undefined, world: World): Promise<LightMyRequestResponse>
}

const rules: RouteRule[] = [
  {
    route: 'GET /api/hotels',
    expected: everyone(200),
    send: (caller) => as(caller, { method: 'GET', url: '/api/hotels?location=ouro' }),
  },
  {
    route: 'GET /api/hotels/{id}',
    expected: everyone(200),
    send: (caller, { hotel }) => as(caller, { method: 'GET', url: `/api/hotels/${hotel.id}` }),
  },
  {
    route: 'GET /api/hotels/{id}/rooms',
    expected: everyone(200),
    send: (caller, { hotel }) =>
      as(caller, {
        method: 'GET',
        url: `/api/hotels/${hotel.id}/rooms?date_from=${STAY.date_from}&date_to=${STAY.date_to}`,
      }),
  },
  {
    route: 'POST /api/hotels',
    expected: adminOnly(201),
    send: (caller) =>
      as(caller, { method: 'POST', url: '/api/hotels', payload: { name: 'H', location: 'L' } }),
  },
  {
    route: 'PATCH /api/hotels/{id}',
    expected: adminOnly(200),
    send: (caller, { hotel }) =>
      as(caller, { method: 'PATCH', url: `/api/hotels/${hotel.id}`, payload: { address: 'Rua Direita 1' } }),
  },
  {
    route: 'DELETE /api/hotels/{id}',
    expected: adminOnly(204),
    send: async (caller) => {
      const hotel = await created<Hotel>(
        await as(admin, { method: 'POST', url: '/api/hotels', payload: { name: 'H', location: 'L' } }),
      )
      return as(caller, { method: 'DELETE', url: `/api/hotels/${hotel.id}` })
    },
  },
  {
    route: 'POST /api/hotels/{id}/rooms',
    expected: adminOnly(201),
    send: (caller, { hotel }) =>
      as(caller, {
        method: 'POST',
        url: `/api/hotels/${hotel.id}/rooms`,
        payload: { name: 'Suite', price: 300, quantity: 1 },
      }),
  },
  {
    route: 'PATCH /api/rooms/{id}',
    expected: adminOnly(200),
    send: (caller, { room }) =>
      as(caller, { method: 'PATCH', url: `/api/rooms/${room.id}`, payload: { quantity: 4 } }),
  },
  {
    route: 'DELETE /api/rooms/{id}',
    expected: adminOnly(204),
    send: async (caller, { hotel }) => {
      const room = await created<Room>(
        await as(admin, {
          method: 'POST',
          url: `/api/hotels/${hotel.id}/rooms`,
          payload: { name: 'Spare', price: '10', quantity: 1 },
        }),
      )
      return as(caller, { method: 'DELETE', url: `/api/rooms/${room.id}` })
    },
  },
  {
    route: 'GET /api/bookings',
    expected: signedIn(200),
    send: (caller) => as(caller, { method: 'GET', url: '/api/bookings' }),
  },
  {
    route: 'POST /api/bookings',
    expected: signedIn(201),
    send: (caller, { room }) =>
      as(caller, { method: 'POST', url: '/api/bookings', payload: { room_id: room.id, ...STAY } }),
  },
  {
    route: 'DELETE /api/bookings/{id}',
    // Someone else's booking is not revealed: 404, whatever the caller's roles.
    expected: { ...signedIn(404), owner: 204 },
    send: (caller, { booking }) => as(caller, { method: 'DELETE', url: `/api/bookings/${booking.id}` }),
  },
]

describe('who may call each bookings route', () => {
  for (const rule of rules) {
    describe(rule.route, () => {
      for (const caller of CALLERS) {
        const status = rule.expected[caller]
        it(`answers ${caller === 'owner' ? 'the booking’s owner' : `the ${caller}`} with ${status}`, async () => {
          const world = await newWorld()
          const response = await rule.send(await callerFor(caller, world), world)
          const refusal = REFUSAL_CODE[status]
          if (refusal === undefined) assert.equal(response.statusCode, status, response.body)
          else assertProblem(response, status, refusal)
        })
      }
    })
  }
})

describe('order of checks: 401, then 403, then 404, then 400', () => {
  const adminRequests: { route: string; request: InjectOptions }[] = [
    { route: 'POST /api/hotels', request: { method: 'POST', url: '/api/hotels', payload: { name: 1 } } },
    {
      route: 'PATCH /api/hotels/{id}',
      request: { method: 'PATCH', url: `/api/hotels/${UNKNOWN_ID}`, payload: { stars: 5 } },
    },
    {
      route: 'POST /api/hotels/{id}/rooms',
      request: { method: 'POST', url: `/api/hotels/${UNKNOWN_ID}/rooms`, payload: { price: 'free' } },
    },
    {
      route: 'PATCH /api/rooms/{id}',
      request: { method: 'PATCH', url: `/api/rooms/${UNKNOWN_ID}`, payload: { quantity: 0 } },
    },
    { route: 'DELETE /api/rooms/{id}', request: { method: 'DELETE', url: '/api/rooms/abc' } },
  ]

  for (const { route, request } of adminRequests) {
    it(`answers an anonymous caller of ${route} with 401 before looking at the request`, async () => {
      assertProblem(await t.app.inject(request), 401, 'not_authenticated')
    })

    it(`answers an operator calling ${route} with 403 before looking at the request`, async () => {
      assertProblem(await as(await signIn(t, ['operator']), request), 403, 'forbidden')
    })
  }

  for (const { route, request } of adminRequests.slice(1, 4)) {
    it(`answers an admin calling ${route} on a missing object with 404 before looking at the body`, async () => {
      assertProblem(await as(admin, request), 404, 'not_found')
    })
  }

  it('answers a room list of a missing hotel with 404 before looking at the dates', async () => {
    const response = await as(undefined, {
      method: 'GET',
      url: `/api/hotels/${UNKNOWN_ID}/rooms?date_from=soon`,
    })
    assertProblem(response, 404, 'not_found')
  })

  it('answers an anonymous booking with a bad body with 401', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/bookings', payload: { room_id: 'x' } })
    assertProblem(response, 401, 'not_authenticated')
  })
})
