import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { login, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { startStripeApp, type StripeApp } from '../../../test/helpers/stripe-app.ts'
import type { Page } from '../../platform/http/pagination.ts'
import { payoutLedgerSource } from '../../platform/payouts/index.ts'
import type { BillingTables } from './billing.repository.ts'
import type { MovementKey } from '../../platform/ledger/movements.ts'
import { createLedgerRepository, keyOf } from './ledger.repository.ts'

interface Movement {
  at: string
  direction: string
  kind: string
  amount: string
  currency: string
  status: string
  subject: { type: string; id: number }
  provider: string
  provider_ref: string | null
}

let s: StripeApp
let guest: SignedInUser
const bookingIds: number[] = []
const payoutIds: number[] = []

/** A booking of `price` for one night, paid at `at`. */
async function paidBooking(price: string, at: string): Promise<number> {
  s.t.clock.set(at)
  guest = await signIn(s.t)
  const roomId = await s.newRoom(1, price)
  const response = await s.as(guest, {
    method: 'POST',
    url: '/api/bookings',
    payload: { room_id: roomId, date_from: '2026-04-10', date_to: '2026-04-11' },
  })
  assert.equal(response.statusCode, 201, response.body)
  const booking = response.json<{ id: number }>()
  const session = [...s.stripe.sessions.values()].find((c) => c.metadata.booking_id === String(booking.id))
  assert.ok(session)
  assert.equal(
    (await s.deliver(s.stripe.event('checkout.session.completed', s.stripe.pay(session.id)))).statusCode,
    200,
  )
  await s.drain()
  return booking.id
}

/**
 * The ledger's rows: three paid bookings (one then cancelled and refunded), a complaint refund paid
 * out and an early payment still pending, at distinct times.
 */
before(async () => {
  s = await startStripeApp({ now: '2026-03-01T09:00:00Z' })
  bookingIds.push(await paidBooking('100.00', '2026-03-01T10:00:00Z'))
  bookingIds.push(await paidBooking('250.50', '2026-03-02T10:00:00Z'))
  bookingIds.push(await paidBooking('75.25', '2026-03-03T10:00:00Z'))
  s.t.clock.set('2026-03-04T10:00:00Z')
  const { access } = await login(s.t, guest.email, guest.password)
  const cancelled = await s.t.app.inject({
    method: 'DELETE',
    url: `/api/bookings/${bookingIds[2]}`,
    headers: { authorization: `Bearer ${access}` },
  })
  assert.equal(cancelled.statusCode, 204, cancelled.body)
  await s.drain()
  const recipient = { holder_name: 'Ana Souza', iban: 'DE89370400440532013000' }
  s.t.clock.set('2026-03-05T10:00:00Z')
  const refund = await s.t.platform.payouts.create(
    s.t.platform.db,
    { purpose: 'complaint_refund', subjectId: 41, amount: '30.00', currency: 'EUR', recipient },
    { system: 'test' },
  )
  s.t.clock.set('2026-03-06T10:00:00Z')
  const early = await s.t.platform.payouts.create(
    s.t.platform.db,
    { purpose: 'early_payment', subjectId: 42, amount: '900.00', currency: 'BRL', recipient },
    { system: 'test' },
  )
  payoutIds.push(refund.id, early.id)
  // A person paid the complaint's refund (the ledger only reads the payout's state).
  await sql`update payouts set status = 'completed', reference = 'SEPA 1' where id = ${refund.id}`.execute(
    s.t.platform.db,
  )
  s.t.clock.set('2026-03-07T10:00:00Z')
})
after(async () => {
  await s.close()
})

async function ledger(query = ''): Promise<Page<Movement>> {
  const operator = await signIn(s.t, ['operator'])
  const response = await s.as(operator, { method: 'GET', url: `/api/ledger${query}` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<Movement>>()
}

describe('GET /api/ledger', () => {
  it('lists every movement in and out, newest first, from charges, refunds and payouts', async () => {
    const page = await ledger('?page_size=100')
    assert.equal(page.count, 6)
    assert.deepEqual(
      page.results.map((m) => [m.at.slice(0, 10), m.direction, m.kind, m.amount, m.currency, m.subject.type]),
      [
        ['2026-03-06', 'out', 'early_payment', '900.00', 'BRL', 'anticipation'],
        ['2026-03-05', 'out', 'complaint_refund', '30.00', 'EUR', 'complaint'],
        ['2026-03-04', 'out', 'booking_refund', '75.25', 'EUR', 'booking'],
        ['2026-03-03', 'in', 'booking_payment', '75.25', 'EUR', 'booking'],
        ['2026-03-02', 'in', 'booking_payment', '250.50', 'EUR', 'booking'],
        ['2026-03-01', 'in', 'booking_payment', '100.00', 'EUR', 'booking'],
      ],
    )
    const [, paidOut, refund, refunded] = page.results
    assert.deepEqual(
      [paidOut?.provider, paidOut?.status, paidOut?.provider_ref],
      ['manual', 'completed', 'SEPA 1'],
    )
    assert.equal(paidOut?.subject.id, 41)
    assert.ok(refund)
    assert.deepEqual(
      [refund.provider, refund.status, refund.subject.id],
      ['stripe', 'succeeded', bookingIds[2]],
    )
    assert.match(refund.provider_ref ?? '', /^re_/)
    assert.equal(refunded?.status, 'refunded')
    assert.match(refunded.provider_ref ?? '', /^pi_/)
  })

  it('pages by page_size with links', async () => {
    const first = await ledger('?page_size=4')
    assert.equal(first.results.length, 4)
    assert.match(first.next ?? '', /page=2/)
    const second = await ledger('?page_size=4&page=2')
    assert.equal(second.results.length, 2)
    assert.equal(second.next, null)
  })

  it('filters by kind, currency and inclusive dates', async () => {
    assert.deepEqual(
      (await ledger('?kind=booking_payment')).results.map((m) => m.amount),
      ['75.25', '250.50', '100.00'],
    )
    assert.deepEqual(
      (await ledger('?currency=BRL')).results.map((m) => m.kind),
      ['early_payment'],
    )
    const period = await ledger('?from=2026-03-02&to=2026-03-04')
    assert.deepEqual(
      period.results.map((m) => m.at.slice(0, 10)),
      ['2026-03-04', '2026-03-03', '2026-03-02'],
    )
  })

  it('refuses an unknown kind, a bad currency and from after to (400)', async () => {
    const operator = await signIn(s.t, ['operator'])
    for (const [query, field] of [
      ['kind=payroll', 'kind'],
      ['currency=eur', 'currency'],
      ['from=2026-03-05&to=2026-03-01', 'to'],
    ] as const) {
      const errors = assertInvalid(await s.as(operator, { method: 'GET', url: `/api/ledger?${query}` }))
      assert.ok(errors[field], `${query} names ${field}: ${JSON.stringify(errors)}`)
    }
  })

  it('?format=csv streams every matching row (not one page) with a header, as an attachment', async () => {
    const operator = await signIn(s.t, ['operator'])
    const response = await s.as(operator, { method: 'GET', url: '/api/ledger?format=csv&page_size=2' })
    assert.equal(response.statusCode, 200, response.body)
    assert.match(String(response.headers['content-type']), /^text\/csv/)
    assert.equal(response.headers['content-disposition'], 'attachment; filename="ledger.csv"')
    const lines = response.body.trimEnd().split('\r\n')
    assert.equal(
      lines[0],
      'at,direction,kind,amount,currency,status,subject_type,subject_id,provider,provider_ref',
    )
    const json = (await ledger('?page_size=100')).results
    assert.deepEqual(
      lines.slice(1),
      json.map((m) =>
        [
          m.at,
          m.direction,
          m.kind,
          m.amount,
          m.currency,
          m.status,
          m.subject.type,
          m.subject.id,
          m.provider,
          m.provider_ref ?? '',
        ].join(','),
      ),
    )
    const filtered = await s.as(operator, {
      method: 'GET',
      url: '/api/ledger?format=csv&kind=booking_refund',
    })
    assert.equal(filtered.body.trimEnd().split('\r\n').length, 2)
  })
})

describe('the CSV export reads the ledger in batches by keyset', () => {
  for (const size of [1, 2, 4]) {
    it(`batches of ${size} give every movement once, in the ledger's order`, async () => {
      const repository = createLedgerRepository(
        s.t.platform.db.$extendTables<BillingTables>(),
        payoutLedgerSource,
      )
      const filter = { timeZone: 'UTC' }
      const all = await repository.page(filter, { limit: 100, offset: 0 })
      const seen: string[] = []
      let cursor: MovementKey | undefined
      for (;;) {
        const rows = await repository.batch(filter, size, cursor)
        seen.push(...rows.map((row) => `${row.source}:${row.id}`))
        const last = rows.at(-1)
        if (!last || rows.length < size) break
        cursor = keyOf(last)
      }
      assert.deepEqual(
        seen,
        all.rows.map((row) => `${row.source}:${row.id}`),
      )
    })
  }
})

describe('GET /api/ledger/summary', () => {
  it('totals settled money in and out by kind and currency, and the net per currency', async () => {
    const operator = await signIn(s.t, ['operator'])
    const response = await s.as(operator, { method: 'GET', url: '/api/ledger/summary' })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), {
      from: null,
      to: null,
      totals: [
        { kind: 'booking_payment', direction: 'in', currency: 'EUR', count: 3, total: '425.75' },
        { kind: 'booking_refund', direction: 'out', currency: 'EUR', count: 1, total: '75.25' },
        { kind: 'complaint_refund', direction: 'out', currency: 'EUR', count: 1, total: '30.00' },
      ],
      net: [{ currency: 'EUR', in: '425.75', out: '105.25', net: '320.50' }],
    })
  })

  it('covers only the days asked for', async () => {
    const operator = await signIn(s.t, ['operator'])
    const response = await s.as(operator, {
      method: 'GET',
      url: '/api/ledger/summary?from=2026-03-02&to=2026-03-02',
    })
    assert.deepEqual(response.json<{ net: unknown }>().net, [
      { currency: 'EUR', in: '250.50', out: '0.00', net: '250.50' },
    ])
  })
})

describe('who may read money', () => {
  for (const url of ['/api/ledger', '/api/ledger/summary', '/api/charges', '/api/ledger?format=csv']) {
    it(`${url}: admin and operator 200, other users 403, anonymous 401`, async () => {
      assert.equal((await s.as(await signIn(s.t, ['admin']), { method: 'GET', url })).statusCode, 200)
      assert.equal((await s.as(await signIn(s.t, ['operator']), { method: 'GET', url })).statusCode, 200)
      assertProblem(await s.as(await signIn(s.t, ['approver']), { method: 'GET', url }), 403, 'forbidden')
      assert.equal((await s.as(undefined, { method: 'GET', url })).statusCode, 401)
    })
  }
})

describe('GET /api/charges', () => {
  it('lists charges newest first with amounts in decimal strings, filtered by status', async () => {
    const operator = await signIn(s.t, ['operator'])
    const all = await s.as(operator, { method: 'GET', url: '/api/charges' })
    const page = all.json<Page<{ booking_id: number; amount: string; status: string; currency: string }>>()
    assert.deepEqual(
      page.results.map((c) => [c.booking_id, c.amount, c.status, c.currency]),
      [
        [bookingIds[2], '75.25', 'refunded', 'EUR'],
        [bookingIds[1], '250.50', 'paid', 'EUR'],
        [bookingIds[0], '100.00', 'paid', 'EUR'],
      ],
    )
    const refunded = await s.as(operator, { method: 'GET', url: '/api/charges?status=refunded' })
    assert.equal(refunded.json<Page<unknown>>().count, 1)
    assertInvalid(await s.as(operator, { method: 'GET', url: '/api/charges?status=lost' }))
  })
})
