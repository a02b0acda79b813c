import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { bookingsByHotelMonth, type HotelMonthFigures } from './booking-stats.ts'
import type { BookingsDb, BookingsTables } from './bookings.repository.ts'

/*
 * The nights kept by hotel and day or month (migration 0023) are a roll-up: whatever is booked,
 * cancelled, re-dated, re-priced, deleted, or loses its room type or hotel, the figures read from it
 * must equal those recomputed here, night by night in plain TypeScript, from the bookings themselves.
 */

const RANGES = [
  { from: '2025-01-01', to: '2027-12-31' },
  { from: '2026-01-15', to: '2026-03-10' },
  { from: '2026-02-01', to: '2026-02-28' },
  { from: '2026-02-27', to: '2026-03-01' },
  { from: '2026-03-31', to: '2026-03-31' },
]

type Stay = { hotel_id: number; status: string; date_from: string; date_to: string; price: string }

const cents = (amount: string) => {
  const [whole = '0', fraction = ''] = amount.split('.')
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2))
}
const money = (value: bigint) => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

async function recomputed(db: BookingsDb, range: { from: string; to: string }): Promise<HotelMonthFigures[]> {
  const { rows } = await sql<Stay>`
    select r.hotel_id, b.status, b.date_from, b.date_to, b.price
    from bookings b join rooms r on r.id = b.room_id`.execute(db)
  const groups = new Map<string, { nights: number; revenue: bigint; cancellations: number }>()
  const group = (hotelId: number, day: string) => {
    const key = `${hotelId} ${day.slice(0, 7)}`
    const found = groups.get(key) ?? { nights: 0, revenue: 0n, cancellations: 0 }
    groups.set(key, found)
    return found
  }
  for (const stay of rows) {
    const inRange = (day: string) => day >= range.from && day <= range.to
    if (stay.status === 'cancelled' && inRange(stay.date_from))
      group(stay.hotel_id, stay.date_from).cancellations += 1
    if (stay.status !== 'confirmed') continue
    for (let night = stay.date_from; night < stay.date_to; night = nextDay(night)) {
      if (!inRange(night)) continue
      const figures = group(stay.hotel_id, night)
      figures.nights += 1
      figures.revenue += cents(stay.price)
    }
  }
  return [...groups.entries()].map(([key, figures]) => {
    const [hotel, month = ''] = key.split(' ')
    return {
      hotel_id: Number(hotel),
      month,
      nights_sold: figures.nights,
      revenue: money(figures.revenue),
      cancellations: figures.cancellations,
    }
  })
}

const order = (rows: HotelMonthFigures[]) =>
  [...rows].sort((a, b) => a.month.localeCompare(b.month) || a.hotel_id - b.hotel_id)

async function assertNightsExact(db: BookingsDb): Promise<void> {
  for (const range of RANGES) {
    const kept = await bookingsByHotelMonth(db, range)
    assert.deepEqual(order(kept), order(await recomputed(db, range)), `${range.from}..${range.to}`)
  }
}

describe('nights kept by hotel and month', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: BookingsDb
  let userId = 0
  const rooms: number[] = []
  const hotels: number[] = []

  before(async () => {
    database = await createTestDatabase()
    db = database.db.$extendTables<BookingsTables>()
    const { rows: users } = await sql<{ id: number }>`
      insert into users (email, password_hash, first_name, last_name, roles, created_at, updated_at)
      values ('guest@nights.test', 'x', 'G', 'Uest', '{}', now(), now()) returning id`.execute(db)
    userId = users[0]?.id ?? 0
    for (const n of [1, 2, 3]) {
      const { rows } = await sql<{ id: number }>`
        insert into hotels (name, location, address, created_at, updated_at)
        values (${`Hotel ${n}`}, 'Lisbon', 'Street', now(), now()) returning id`.execute(db)
      const hotelId = rows[0]?.id ?? 0
      hotels.push(hotelId)
      for (const k of [1, 2]) {
        const { rows: created } = await sql<{ id: number }>`
          insert into rooms (hotel_id, name, description, price, quantity, created_at, updated_at)
          values (${hotelId}, ${`Room ${k}`}, '', ${`${40 * k + n}.25`}, 3, now(), now()) returning id`.execute(
          db,
        )
        rooms.push(created[0]?.id ?? 0)
      }
    }
  })
  after(() => database.close())

  const book = (room: number, from: string, nights: number, status = 'confirmed') => sql`
    insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                          total_cost, status, created_at, cancelled_at)
    select r.id, ${userId}, 'H', r.name, ${from}::date, ${from}::date + ${nights}::int, r.price, ${nights}::int,
      r.price * ${nights}::int, ${status}, now(), case when ${status} = 'cancelled' then now() end
    from rooms r where r.id = ${room}`

  it('stays booked one by one and many per statement, across months and years, are counted night by night', async () => {
    const stays: [number, string, number][] = [
      [0, '2026-01-30', 5],
      [1, '2026-02-27', 3],
      [2, '2026-03-31', 1],
      [3, '2025-12-30', 30],
      [4, '2026-02-01', 28],
    ]
    for (const [i, from, nights] of stays) await book(rooms[i] ?? 0, from, nights).execute(db)
    await sql`
      insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                            total_cost, status, created_at, cancelled_at)
      select r.id, ${userId}, 'H', r.name, date '2026-01-01' + g * 3, date '2026-01-01' + g * 3 + 1 + g % 4,
        r.price, 1 + g % 4, r.price * (1 + g % 4), case when g % 5 = 0 then 'cancelled' else 'confirmed' end,
        now(), case when g % 5 = 0 then now() end
      from rooms r cross join generate_series(0, 40) g`.execute(db)
    await book(rooms[5] ?? 0, '2026-02-10', 2, 'cancelled').execute(db)
    await assertNightsExact(db)
  })

  it('cancellations, other statuses, new dates and new prices move the nights', async () => {
    await sql`update bookings set status = 'cancelled', cancelled_at = now()
      where id in (select id from bookings where status = 'confirmed' order by id limit 7)`.execute(db)
    await sql`update bookings set status = 'pending_payment', expires_at = now() + interval '15 minutes'
      where id in (select id from bookings where status = 'confirmed' order by id desc limit 4)`.execute(db)
    await sql`update bookings set status = 'expired'
      where id in (select id from bookings where status = 'pending_payment' order by id desc limit 2)`.execute(
      db,
    )
    await sql`update bookings set date_from = date_from + 17, date_to = date_to + 17
      where id in (select id from bookings where status = 'confirmed' order by id limit 20)`.execute(db)
    await sql`update bookings set price = price + 1.5
      where id in (select id from bookings order by id desc limit 15)`.execute(db)
    await sql`update bookings set reminded_at = now()`.execute(db)
    await assertNightsExact(db)
  })

  it('deleted bookings, room types and hotels leave the nights', async () => {
    await sql`delete from bookings where id in (select id from bookings order by id limit 9)`.execute(db)
    await sql`delete from rooms where id = ${rooms[1]}`.execute(db)
    await assertNightsExact(db)
    await sql`delete from hotels where id = ${hotels[2]}`.execute(db)
    await assertNightsExact(db)
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from booking_months where hotel_id = ${hotels[2]}`.execute(db)
    assert.equal(rows[0]?.n, 0)
  })

  it('rebuilding from the bookings changes no figure', async () => {
    const kept = await bookingsByHotelMonth(db, RANGES[0] ?? { from: '', to: '' })
    await sql`select rebuild_booking_nights()`.execute(db)
    assert.deepEqual(order(await bookingsByHotelMonth(db, RANGES[0] ?? { from: '', to: '' })), order(kept))
    await assertNightsExact(db)
  })
})
