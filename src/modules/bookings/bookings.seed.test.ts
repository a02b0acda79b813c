import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import type { Page } from '../../platform/http/pagination.ts'
import { createAuthModule } from '../auth/index.ts'
import type { Hotel, Room } from './bookings.schemas.ts'
import { createBookingsModule } from './index.ts'

let t: TestApp

before(async () => {
  t = await buildTestApp()
})
after(() => t.close())

describe('demo hotels (npm run seed)', () => {
  it('adds hotels in a few cities with rooms and resized pictures, once', async () => {
    const auth = createAuthModule(t.platform)
    const bookings = createBookingsModule(t.platform, { guards: auth.api.guards, contacts: auth.api })
    assert.equal(await bookings.api.seedDemo(), 4)
    assert.equal(await bookings.api.seedDemo(), 0)
    await t.platform.jobs.drain()
    const hotels = (await t.app.inject({ method: 'GET', url: '/api/hotels?page_size=100' })).json<
      Page<Hotel>
    >()
    assert.equal(hotels.count, 4)
    assert.deepEqual(new Set(hotels.results.map((hotel) => hotel.images[0]?.status)), new Set(['ready']))
    const rio = hotels.results.filter((hotel) => hotel.location.includes('Rio de Janeiro'))
    assert.equal(rio.length, 2)
    const [first] = rio
    assert.ok(first)
    const rooms = (await t.app.inject({ method: 'GET', url: `/api/hotels/${first.id}/rooms` })).json<Room[]>()
    assert.ok(rooms.length > 0)
    assert.ok(rooms.every((room) => room.images.length === 1))
  })
})
