import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import {
  insertBooking,
  insertHotel,
  insertPayment,
  insertSupplier,
} from '../../../test/helpers/statistics.ts'

let t: TestApp
let admin: SignedInUser
let operator: SignedInUser
let approver: SignedInUser
let plain: SignedInUser
let supplierUser: SignedInUser
let ownSupplier: number
let otherSupplier: number
let sol: number

before(async () => {
  t = await buildTestApp()
  ;[admin, operator, approver, plain, supplierUser] = [
    await signIn(t, ['admin']),
    await signIn(t, ['operator']),
    await signIn(t, ['approver']),
    await signIn(t),
    await signIn(t),
  ]
  ownSupplier = await insertSupplier(t.platform.db, supplierUser.id, 1)
  otherSupplier = await insertSupplier(t.platform.db, (await signIn(t)).id, 2)
  await insertPayment(t.platform.db, ownSupplier, '2026-05-10', '100.00')
  await insertPayment(t.platform.db, otherSupplier, '2026-05-11', '250.00')
  const hotel = await insertHotel(t.platform.db, 'Hotel "Sol", Rio', [2])
  sol = hotel.id
  await insertBooking(t.platform.db, {
    roomId: hotel.rooms[0] ?? 0,
    userId: plain.id,
    from: '2026-04-29',
    to: '2026-05-02',
    price: '90.00',
  })
})
after(() => t.close())

function get(url: string, caller?: SignedInUser) {
  return t.app.inject({ method: 'GET', url, ...(caller ? { headers: caller.headers } : {}) })
}

const ENDPOINTS = ['payables', 'complaints', 'bookings', 'payouts', 'overview'] as const

describe('who may see which figures', () => {
  const allowed: Record<(typeof ENDPOINTS)[number], string[]> = {
    payables: ['admin', 'operator', 'supplier'],
    complaints: ['admin', 'approver'],
    bookings: ['admin'],
    payouts: ['admin', 'operator'],
    overview: ['admin'],
  }
  for (const endpoint of ENDPOINTS) {
    it(`GET /api/stats/${endpoint}: 401 without a token, 200 for ${allowed[endpoint].join(', ')}, 403 for the others`, async () => {
      assertProblem(await get(`/api/stats/${endpoint}`), 401, 'not_authenticated')
      const callers = { admin, operator, approver, plain, supplier: supplierUser }
      for (const [name, caller] of Object.entries(callers)) {
        const response = await get(`/api/stats/${endpoint}`, caller)
        if (allowed[endpoint].includes(name))
          assert.equal(response.statusCode, 200, `${name}: ${response.body}`)
        else assertProblem(response, 403, 'forbidden')
      }
    })
  }

  it('a role that can never see a report gets 403 before its query is read', async () => {
    assertProblem(await get('/api/stats/bookings?from=nonsense', operator), 403, 'forbidden')
    assertProblem(await get('/api/stats/payables?from=nonsense', plain), 403, 'forbidden')
  })
})

describe('a supplier’s payables', () => {
  type Report = { supplier: number | null; rows: { month: string; count: number; total: string }[] }
  const may = (report: Report) => report.rows.filter((row) => row.month === '2026-05')

  it('a supplier’s user sees their own supplier’s payables only', async () => {
    const response = await get('/api/stats/payables?from=2026-05-01&to=2026-05-31', supplierUser)
    assert.equal(response.statusCode, 200, response.body)
    const report = response.json<Report>()
    assert.equal(report.supplier, ownSupplier)
    assert.equal(
      may(report).reduce((sum, row) => sum + row.count, 0),
      1,
    )
    assert.deepEqual(
      may(report)
        .filter((row) => row.count > 0)
        .map((row) => row.total),
      ['100.00'],
    )
  })

  it('a supplier’s user naming their own supplier gets it, naming another gets 403', async () => {
    const own = await get(`/api/stats/payables?supplier=${ownSupplier}`, supplierUser)
    assert.equal(own.statusCode, 200, own.body)
    assertProblem(await get(`/api/stats/payables?supplier=${otherSupplier}`, supplierUser), 403, 'forbidden')
  })

  it('an operator sees every supplier’s, or one supplier’s with ?supplier=', async () => {
    const all = (await get('/api/stats/payables?from=2026-05-01&to=2026-05-31', operator)).json<Report>()
    assert.equal(
      may(all).reduce((sum, row) => sum + row.count, 0),
      2,
    )
    assert.equal(all.supplier, null)
    const one = (
      await get(`/api/stats/payables?from=2026-05-01&to=2026-05-31&supplier=${otherSupplier}`, operator)
    ).json<Report>()
    assert.deepEqual(
      may(one)
        .filter((row) => row.count > 0)
        .map((row) => row.total),
      ['250.00'],
    )
  })
})

describe('ranges', () => {
  it('defaults to the last 12 months: from the first of the month 11 months ago to today', async () => {
    const report = (await get('/api/stats/complaints', admin)).json<{
      from: string
      to: string
      rows: { month: string }[]
    }>()
    assert.equal(report.from, '2025-04-01')
    assert.equal(report.to, t.clock.today())
    assert.equal(report.rows.length, 12)
    assert.equal(report.rows[0]?.month, '2025-04')
    assert.equal(report.rows.at(-1)?.month, '2026-03')
  })

  it('months with nothing are present, in order, with zeros', async () => {
    const report = (await get('/api/stats/payouts?from=2024-11-15&to=2025-02-03', admin)).json<{
      rows: { month: string; count: number; amount: string }[]
    }>()
    const months = [...new Set(report.rows.map((row) => row.month))]
    assert.deepEqual(months, ['2024-11', '2024-12', '2025-01', '2025-02'])
    assert.equal(report.rows.length, 4 * 2 * 2 * 7)
    assert.ok(report.rows.every((row) => row.count === 0 && row.amount === '0.00'))
    const complaints = (await get('/api/stats/complaints?from=2024-11-15&to=2025-02-03', admin)).json<{
      rows: { month: string; filed: number; median_hours_to_decision: string | null }[]
    }>()
    assert.deepEqual(
      complaints.rows.map((row) => [row.month, row.filed, row.median_hours_to_decision]),
      months.map((month) => [month, 0, null]),
    )
  })

  it('a range of exactly 5 years less a day is answered; one of 5 years is a 400 on to', async () => {
    assert.equal((await get('/api/stats/payouts?from=2021-03-01&to=2026-02-28', admin)).statusCode, 200)
    const errors = assertInvalid(await get('/api/stats/payouts?from=2021-03-01&to=2026-03-01', admin))
    assert.deepEqual(Object.keys(errors), ['to'])
  })

  it('from after to is a 400 on to; the same day twice is one day', async () => {
    assert.deepEqual(
      Object.keys(assertInvalid(await get('/api/stats/bookings?from=2026-03-02&to=2026-03-01', admin))),
      ['to'],
    )
    assert.equal((await get('/api/stats/bookings?from=2026-03-01&to=2026-03-01', admin)).statusCode, 200)
  })

  it('dates that are not dates are 400s naming the field, every field at once', async () => {
    for (const [query, fields] of [
      ['from=2026-02-30', ['from']],
      ['to=2026-13-01', ['to']],
      ['from=01-02-2026&to=yesterday', ['from', 'to']],
      ['format=xml', ['format']],
      ['supplier=0', ['supplier']],
      ['colour=red', ['colour']],
    ] as const) {
      const errors = assertInvalid(await get(`/api/stats/payables?${query}`, admin))
      assert.deepEqual(Object.keys(errors).sort(), [...fields], query)
    }
  })

  it('a hotel that is not a positive whole number is a 400 on hotel', async () => {
    for (const hotel of ['0', '-3', 'sol', '1.5']) {
      const errors = assertInvalid(await get(`/api/stats/bookings?hotel=${hotel}`, admin))
      assert.deepEqual(Object.keys(errors), ['hotel'], hotel)
    }
  })
})

describe('CSV', () => {
  it('has a header line and one line per row, with fields quoted as RFC 4180 says', async () => {
    const response = await get('/api/stats/bookings?from=2026-04-01&to=2026-05-31&format=csv', admin)
    assert.equal(response.statusCode, 200, response.body)
    assert.match(String(response.headers['content-type']), /^text\/csv; charset=utf-8/)
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename="bookings-2026-04-01-2026-05-31\.csv"$/,
    )
    const lines = response.body.split('\r\n')
    assert.equal(lines.at(-1), '')
    assert.deepEqual(lines.slice(0, -1), [
      'month,hotel_id,hotel,rooms,nights_sold,occupancy,revenue,cancellations',
      expect('2026-04', 2, '0.0333', '180.00'),
      expect('2026-05', 1, '0.0161', '90.00'),
    ])
    function expect(month: string, nights: number, occupancy: string, revenue: string) {
      return `${month},${sol},"Hotel ""Sol"", Rio",2,${nights},${occupancy},${revenue},0`
    }
  })

  it('holds the same rows as the JSON, in the same order', async () => {
    const query = '/api/stats/payables?from=2026-04-01&to=2026-06-30'
    const json = (await get(query, operator)).json<{ rows: Record<string, unknown>[] }>()
    const csv = (await get(`${query}&format=csv`, operator)).body.trim().split('\r\n')
    assert.equal(csv[0], Object.keys(json.rows[0] ?? {}).join(','))
    assert.deepEqual(
      csv.slice(1),
      json.rows.map((row) => Object.values(row).join(',')),
    )
  })

  it('without format=csv every report is JSON, and says so', async () => {
    for (const endpoint of ENDPOINTS) {
      const response = await get(`/api/stats/${endpoint}`, admin)
      assert.equal(response.statusCode, 200, endpoint)
      assert.match(String(response.headers['content-type']), /^application\/json; charset=utf-8$/, endpoint)
      assert.equal(typeof response.json(), 'object', endpoint)
    }
  })

  it('the overview as CSV is one figure per line', async () => {
    const response = await get('/api/stats/overview?format=csv', admin)
    const lines = response.body.trim().split('\r\n')
    assert.equal(lines[0], 'figure,value')
    assert.ok(lines.includes('users_admin,1'))
    assert.ok(lines.includes('suppliers,2'))
  })
})
