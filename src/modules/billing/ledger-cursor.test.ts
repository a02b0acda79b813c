import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createUser, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid } from '../../../test/helpers/problems.ts'
import type { Page } from '../../platform/http/pagination.ts'
import { decodeCursor, encodeCursor } from './ledger-cursor.ts'

interface Movement {
  at: string
  kind: string
  subject: { type: string; id: number }
}
type LedgerPage = Page<Movement> & { next_cursor: string | null }

let t: TestApp
let operator: SignedInUser
let userId: number
let subjects = 0

/**
 * Movements whose order rests on every part of the key: charges and payouts at the same instant (the
 * source decides), two charges at one instant (the id decides), and times a few microseconds apart
 * (a JS Date would make them equal).
 */
const TIMES = [
  '2026-03-01T08:00:00Z',
  '2026-03-01T23:30:00Z',
  '2026-03-02T10:00:00.000100Z',
  '2026-03-02T10:00:00.000200Z',
  '2026-03-02T10:00:00.000200Z',
  '2026-03-03T12:00:00Z',
  '2026-03-04T21:00:00Z',
]

/** A charge paid at each of `times` (with its booking), in `currency`. */
async function paidCharges(times: string[], currency: string): Promise<void> {
  for (const at of times) {
    await sql`
      with booking as (
        insert into bookings (room_id, user_id, hotel_name, room_name, date_from, date_to, price, nights,
                              total_cost, status, created_at)
        values (null, ${userId}, 'Hotel', 'Double', '2026-04-10', '2026-04-11', 100, 1, 100, 'confirmed', ${at})
        returning id, created_at)
      insert into charges (booking_id, user_id, amount_cents, currency, status, idempotency_key,
                           checkout_session_id, payment_intent_id, expires_at, paid_at, created_at, updated_at)
      select b.id, ${userId}, 1000 + b.id, ${currency}, 'paid', gen_random_uuid(), 'cs_' || gen_random_uuid(),
        'pi_' || b.id, b.created_at, b.created_at, b.created_at, b.created_at
      from booking b`.execute(t.platform.db)
  }
}

/** A payout created at each of `times`: complaint refunds in EUR and early payments in BRL, in turns. */
async function payouts(times: string[]): Promise<void> {
  for (const at of times) {
    subjects += 1
    const [purpose, currency] = subjects % 2 === 0 ? ['complaint_refund', 'EUR'] : ['early_payment', 'BRL']
    await sql`
      insert into payouts (purpose, subject_id, amount, currency, holder_name, iban, provider, idempotency_key,
                           status, reference, created_at, updated_at)
      values (${purpose}, ${subjects}, 12.34, ${currency}, 'Ana Souza', 'DE89370400440532013000', 'manual',
        gen_random_uuid(), 'completed', 'ref', ${at}::timestamptz, ${at}::timestamptz)`.execute(t.platform.db)
  }
}

before(async () => {
  t = await buildTestApp({ now: '2026-03-10T12:00:00Z' })
  userId = (await createUser(t)).id
  operator = await signIn(t, ['operator'])
  await paidCharges(TIMES, 'EUR')
  await paidCharges(TIMES.slice(2, 5), 'EUR')
  await paidCharges(TIMES.slice(0, 4), 'BRL')
  await payouts(TIMES)
  await payouts(TIMES.slice(3))
})
after(async () => {
  await t.close()
})

async function get(url: string): Promise<LedgerPage> {
  const response = await t.app.inject({ method: 'GET', url, headers: operator.headers })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<LedgerPage>()
}

function label(movement: Movement): string {
  return `${movement.at} ${movement.kind} ${movement.subject.type}#${movement.subject.id}`
}

/**
 * The filter's movements read by cursor: the first page by number, then each page from the previous
 * one's cursor, following `next`; `between` runs after the first page.
 */
async function walk(query: string, size: number, between?: () => Promise<void>): Promise<string[]> {
  const first = await get(`/api/ledger?${query}&page_size=${size}`)
  const seen = first.results.map(label)
  await between?.()
  let cursor = first.next_cursor
  let url = cursor === null ? null : `/api/ledger?${query}&page_size=${size}&cursor=${cursor}`
  while (url !== null) {
    const page = await get(url)
    assert.equal(page.previous, null)
    assert.ok(page.results.length > 0 && page.results.length <= size)
    seen.push(...page.results.map(label))
    cursor = page.next_cursor
    if (page.next === null) {
      assert.equal(cursor, null)
      url = null
    } else {
      const next = new URL(page.next)
      assert.equal(next.searchParams.get('cursor'), cursor)
      url = `${next.pathname}${next.search}`
    }
  }
  return seen
}

describe('GET /api/ledger?cursor=', () => {
  const filters = [
    '',
    'from=2026-03-02&to=2026-03-03',
    'kind=booking_payment',
    'kind=early_payment&currency=BRL',
    'currency=EUR&from=2026-03-02',
  ]
  for (const query of filters) {
    for (const size of [1, 2, 3]) {
      it(`walks every movement of ?${query} once, in the ledger's order, by pages of ${size}`, async () => {
        const all = await get(`/api/ledger?${query}&page_size=100`)
        assert.ok(all.results.length > 2)
        assert.equal(all.next_cursor, null)
        assert.deepEqual(await walk(query, size), all.results.map(label))
      })
    }
  }

  it('with ?format=csv, exports every movement after the cursor', async () => {
    const all = await get('/api/ledger?page_size=100')
    const first = await get('/api/ledger?page_size=3')
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/ledger?format=csv&cursor=${first.next_cursor}`,
      headers: operator.headers,
    })
    assert.equal(response.statusCode, 200, response.body)
    const lines = response.body.trimEnd().split('\r\n').slice(1)
    assert.deepEqual(
      lines.map((line) => line.split(',')[0]),
      all.results.slice(3).map((movement) => movement.at),
    )
  })

  it('neither repeats nor skips older movements when newer ones are written between pages', async () => {
    const before = (await get('/api/ledger?page_size=100')).results.map(label)
    const seen = await walk('', 2, async () => {
      await paidCharges(['2026-03-09T10:00:00Z', '2026-03-09T11:00:00Z'], 'EUR')
      await payouts(['2026-03-09T10:00:00Z'])
    })
    assert.deepEqual(seen, before)
    assert.equal((await get('/api/ledger?page_size=100')).results.length, before.length + 3)
  })

  it('refuses a cursor that is not the ledger’s, and a cursor with a page (400 on cursor)', async () => {
    for (const cursor of ['yesterday', encodeURIComponent('MTIz.NDU2'), 'Zm9vLmJhci5iYXo', 'a'.repeat(65)]) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/ledger?cursor=${cursor}`,
        headers: operator.headers,
      })
      assert.ok(assertInvalid(response).cursor, cursor)
    }
    const first = await get('/api/ledger?page_size=1')
    assert.ok(first.next_cursor)
    const both = await t.app.inject({
      method: 'GET',
      url: `/api/ledger?page=2&cursor=${first.next_cursor}`,
      headers: operator.headers,
    })
    assert.ok(assertInvalid(both).cursor)
  })
})

describe('the ledger’s cursors', () => {
  it('give back the movement they name, to the microsecond', () => {
    const key = { atMicros: '1772445600000123', id: 9_007_199_254, source: 3 }
    assert.deepEqual(decodeCursor(encodeCursor(key)), key)
  })

  it('are opaque: neither the readable key nor an id out of range is taken', () => {
    assert.equal(decodeCursor('1772445600000123.1.3'), undefined)
    assert.equal(decodeCursor(Buffer.from('1.1234567890123456.1').toString('base64url')), undefined)
    assert.equal(decodeCursor(Buffer.from('12345678901234567.1.1').toString('base64url')), undefined)
  })
})
