import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import {
  addDays,
  insertAnticipation,
  insertBooking,
  insertComplaint,
  insertHotel,
  insertPayment,
  insertPayout,
  insertSupplier,
  pick,
  seeded,
} from '../../../test/helpers/statistics.ts'
import {
  expectedBookingTotals,
  expectedBookings,
  expectedComplaints,
  expectedOverview,
  expectedPayables,
  expectedPayouts,
  type Rows,
} from '../../../test/helpers/recomputed-statistics.ts'

/*
 * Every figure of every report against the same figure recomputed here, in plain TypeScript, from the
 * rows read back from the tables. The business time zone is São Paulo (UTC−3): an instant early on
 * the 1st in UTC still belongs to the month before.
 */

const ZONE = 'America/Sao_Paulo'
const random = seeded(15)

interface BookingsPage {
  count: number
  next: string | null
  previous: string | null
  totals: unknown[]
  rows: { hotel_id: number }[]
}

let t: TestApp
let admin: SignedInUser
let suppliers: number[]

async function get<T>(url: string, caller: SignedInUser = admin): Promise<T> {
  const response = await t.app.inject({ method: 'GET', url, headers: caller.headers })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<T>()
}

async function rowsOf(): Promise<Rows> {
  const read = async (table: string) =>
    (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(t.platform.db))
      .rows
  return {
    payments: await read('payments'),
    anticipations: await read('anticipations'),
    complaints: await read('complaints'),
    payouts: await read('payouts'),
    hotels: await read('hotels'),
    rooms: await read('rooms'),
    bookings: await read('bookings'),
    users: await read('users'),
    companies: await read('companies'),
    suppliers: await read('suppliers'),
  } as unknown as Rows
}

async function seedPayables(): Promise<void> {
  const boundaries = [
    '2025-02-28',
    '2025-03-01',
    '2026-02-28',
    '2026-03-01',
    '2026-03-02',
    '2026-03-03',
    '2026-03-31',
  ]
  const dueDates = [
    ...boundaries,
    ...Array.from({ length: 110 }, () => addDays('2025-01-15', Math.floor(random() * 600))),
  ]
  for (const due of dueDates) {
    const cents = 100 + Math.floor(random() * 500_000)
    const id = await insertPayment(t.platform.db, pick(random, suppliers), due, (cents / 100).toFixed(2))
    if (random() < 0.45) {
      await insertAnticipation(t.platform.db, id, {
        newDueDate: addDays(due, -1 - Math.floor(random() * 25)),
        newValue: (Math.floor(cents * (0.9 + random() * 0.09)) / 100).toFixed(2),
        status: pick(random, ['PC', 'A', 'D'] as const),
      })
    }
  }
}

async function seedComplaints(complainer: number, approver: number): Promise<void> {
  const boundaries = [
    '2026-02-01T02:30:00Z',
    '2026-02-01T03:30:00Z',
    '2025-03-01T03:00:00Z',
    '2025-03-01T02:59:59Z',
  ]
  const start = Date.parse('2025-02-20T00:00:00Z')
  const instants = [
    ...boundaries,
    ...Array.from({ length: 45 }, () => new Date(start + random() * 400 * 86_400_000).toISOString()),
  ]
  for (const createdAt of instants) {
    const status = pick(random, ['pending', 'approved', 'rejected'] as const)
    const decidedAt = new Date(
      Date.parse(createdAt) + (1 + Math.floor(random() * 200)) * 3_600_000,
    ).toISOString()
    const amount = `${1 + Math.floor(random() * 900)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`
    const id = await insertComplaint(t.platform.db, {
      complainerId: complainer,
      amount,
      createdAt,
      status,
      decidedAt,
      deciderId: approver,
    })
    const payoutStatus =
      status === 'approved'
        ? pick(random, ['funded', 'completed', 'approved', 'failed'])
        : status === 'rejected'
          ? 'cancelled'
          : 'prepared'
    await insertPayout(t.platform.db, {
      purpose: 'complaint_refund',
      subjectId: id,
      amount,
      provider: pick(random, ['manual', 'wise'] as const),
      status: payoutStatus,
      createdAt,
      ...(payoutStatus === 'failed'
        ? { failureReason: pick(random, ['Account closed', 'Invalid IBAN, "DE"']) }
        : {}),
    })
  }
  for (let subject = 1; subject <= 25; subject++) {
    const status = pick(random, ['pending', 'approved', 'completed', 'failed', 'failed'])
    await insertPayout(t.platform.db, {
      purpose: 'early_payment',
      subjectId: subject,
      amount: `${100 + subject}.50`,
      provider: 'manual',
      status,
      createdAt: new Date(start + random() * 400 * 86_400_000).toISOString(),
      ...(status === 'failed'
        ? { failureReason: pick(random, ['No default bank account', 'Account closed']) }
        : {}),
    })
  }
}

async function seedBookings(guest: number): Promise<void> {
  const sol = await insertHotel(t.platform.db, 'Hotel "Sol", Rio', [3, 2])
  const azul = await insertHotel(t.platform.db, 'Pousada Azul', [4])
  await insertHotel(t.platform.db, 'Empty Inn', [1])
  const rooms = [...sol.rooms, ...azul.rooms]
  await insertBooking(t.platform.db, {
    roomId: rooms[0] ?? 0,
    userId: guest,
    from: '2026-01-30',
    to: '2026-02-03',
    price: '80.00',
  })
  // The longest stay (30 nights) across three months: 31 January, the whole of February, 1 March.
  await insertBooking(t.platform.db, {
    roomId: rooms[2] ?? 0,
    userId: guest,
    from: '2026-01-31',
    to: '2026-03-02',
    price: '100.00',
  })
  for (let i = 0; i < 60; i++) {
    const from = addDays('2025-02-20', Math.floor(random() * 400))
    await insertBooking(t.platform.db, {
      roomId: pick(random, rooms),
      userId: guest,
      from,
      to: addDays(from, 1 + Math.floor(random() * 30)),
      price: `${60 + Math.floor(random() * 200)}.${pick(random, ['00', '50', '99'])}`,
      cancelled: random() < 0.2,
    })
  }
}

before(async () => {
  t = await buildTestApp({ env: { BUSINESS_TIMEZONE: ZONE } })
  admin = await signIn(t, ['admin'])
  const approver = await signIn(t, ['approver'])
  await signIn(t, ['operator', 'approver'])
  const guest = await signIn(t)
  suppliers = [
    await insertSupplier(t.platform.db, (await signIn(t)).id, 1),
    await insertSupplier(t.platform.db, (await signIn(t)).id, 2),
  ]
  await seedPayables()
  await seedComplaints(guest.id, approver.id)
  await seedBookings(guest.id)
})
after(() => t.close())

const RANGES = [
  { from: '2025-03-01', to: '2026-03-31' },
  { from: '2025-03-10', to: '2026-02-14' },
  { from: '2026-02-01', to: '2026-02-01' },
]

describe('statistics recomputed from the rows', () => {
  for (const range of RANGES) {
    const query = `from=${range.from}&to=${range.to}`

    it(`payables of ${range.from}..${range.to}, for everyone and for each supplier, match the payments`, async () => {
      const rows = await rowsOf()
      const all = await get<{ rows: unknown[] }>(`/api/stats/payables?${query}`)
      assert.deepEqual(all.rows, expectedPayables(rows, range, '2026-03-02'))
      for (const supplier of suppliers) {
        const one = await get<{ rows: unknown[]; supplier: number }>(
          `/api/stats/payables?${query}&supplier=${supplier}`,
        )
        assert.equal(one.supplier, supplier)
        assert.deepEqual(one.rows, expectedPayables(rows, range, '2026-03-02', supplier))
      }
    })

    it(`complaints of ${range.from}..${range.to} match the complaints and their refunds, by month in the business time zone`, async () => {
      const report = await get<{ rows: unknown[] }>(`/api/stats/complaints?${query}`)
      assert.deepEqual(report.rows, expectedComplaints(await rowsOf(), range, ZONE))
    })

    it(`bookings of ${range.from}..${range.to} match the stays, night by night, hotel by hotel and in total`, async () => {
      const report = await get<BookingsPage>(`/api/stats/bookings?${query}&page_size=100`)
      const rows = await rowsOf()
      assert.deepEqual(report.rows, expectedBookings(rows, range))
      assert.deepEqual(report.totals, expectedBookingTotals(rows, range))
      assert.equal(report.count, rows.hotels.length)
      assert.equal(report.next, null)
    })

    it(`bookings of ${range.from}..${range.to} page by hotel, with every hotel's totals on each page`, async () => {
      const rows = await rowsOf()
      const all = expectedBookings(rows, range)
      const ids = rows.hotels.map((hotel) => hotel.id).sort((a, b) => a - b)
      const first = await get<BookingsPage>(`/api/stats/bookings?${query}&page_size=2`)
      assert.deepEqual(
        first.rows,
        all.filter((row) => ids.slice(0, 2).includes(row.hotel_id)),
      )
      assert.ok(first.next?.endsWith(`/api/stats/bookings?${query}&page_size=2&page=2`), String(first.next))
      assert.equal(first.previous, null)
      const second = await get<BookingsPage>(`/api/stats/bookings?${query}&page_size=2&page=2`)
      assert.deepEqual(
        second.rows,
        all.filter((row) => ids.slice(2).includes(row.hotel_id)),
      )
      assert.equal(second.next, null)
      assert.deepEqual(second.totals, first.totals)
      assert.deepEqual([first.count, second.count], [ids.length, ids.length])
      const past = await t.app.inject({
        method: 'GET',
        url: `/api/stats/bookings?${query}&page_size=2&page=3`,
        headers: admin.headers,
      })
      assert.equal(past.statusCode, 404)
    })

    it(`the bookings CSV of ${range.from}..${range.to} holds every hotel, whatever the page size`, async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/stats/bookings?${query}&format=csv&page_size=1`,
        headers: admin.headers,
      })
      const lines = response.body.trimEnd().split(/\r?\n/)
      assert.equal(lines.length, 1 + expectedBookings(await rowsOf(), range).length)
    })

    it(`one hotel's bookings of ${range.from}..${range.to} are that hotel's rows of them all`, async () => {
      const rows = await rowsOf()
      for (const hotel of rows.hotels) {
        const report = await get<{ rows: unknown[] }>(`/api/stats/bookings?${query}&hotel=${hotel.id}`)
        const expected = expectedBookings(rows, range).filter((row) => row.hotel_id === hotel.id)
        assert.ok(expected.length > 0)
        assert.deepEqual(report.rows, expected)
      }
      const none = await get<{ rows: unknown[] }>(`/api/stats/bookings?${query}&hotel=999999`)
      assert.deepEqual(none.rows, [])
    })

    it(`payouts of ${range.from}..${range.to} match the payouts, with the most common failure reasons`, async () => {
      const report = await get<{ rows: unknown[]; failure_reasons: unknown[] }>(`/api/stats/payouts?${query}`)
      const expected = expectedPayouts(await rowsOf(), range, ZONE)
      assert.deepEqual(report.rows, expected.rows)
      assert.deepEqual(report.failure_reasons, expected.failureReasons)
    })
  }

  it('the boundary instants of February fall in January and February as São Paulo sees them', async () => {
    const report = await get<{ rows: { month: string; filed: number }[] }>(
      '/api/stats/complaints?from=2026-01-31&to=2026-02-01',
    )
    const filed = Object.fromEntries(report.rows.map((row) => [row.month, row.filed]))
    const rows = await rowsOf()
    const inSaoPaulo = (instant: string) => new Date(instant).getTime()
    const count = (from: string, to: string) =>
      rows.complaints.filter(
        (row) => row.created_at.getTime() >= inSaoPaulo(from) && row.created_at.getTime() < inSaoPaulo(to),
      ).length
    assert.equal(filed['2026-01'], count('2026-01-31T03:00:00Z', '2026-02-01T03:00:00Z'))
    assert.equal(filed['2026-02'], count('2026-02-01T03:00:00Z', '2026-02-02T03:00:00Z'))
    assert.ok((filed['2026-01'] ?? 0) >= 1 && (filed['2026-02'] ?? 0) >= 1)
  })

  it('the overview counts the users, companies, suppliers and what waits, as the rows say', async () => {
    const overview = await get<unknown>('/api/stats/overview')
    assert.deepEqual(overview, expectedOverview(await rowsOf()))
  })
})
