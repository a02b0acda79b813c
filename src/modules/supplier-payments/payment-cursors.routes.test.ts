import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid } from '../../../test/helpers/problems.ts'
import { newSupplier } from '../../../test/helpers/suppliers.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Payment } from './supplier-payments.schemas.ts'

let t: TestApp
let operator: SignedInUser

before(async () => {
  t = await buildTestApp({ now: '2026-03-02T12:00:00Z' })
  operator = await signIn(t, ['operator'])
  const { id } = await newSupplier(t, operator, { legalName: 'Cursor Ltda.' })
  // 25 payments over 5 due dates, so a due date spans page boundaries.
  const rows = Array.from({ length: 25 }, (_, n) => `${id},2026-04-0${1 + (n % 5)},${10 + n}.00,C-${n}`)
  const imported = await t.app.inject({
    method: 'POST',
    url: '/api/payments/import',
    headers: { ...operator.headers, 'content-type': 'text/csv' },
    payload: ['supplier,due_date,value,external_ref', ...rows].join('\n'),
  })
  assert.equal(imported.statusCode, 201, imported.body)
})
after(() => t.close())

async function get(url: string): Promise<Page<Payment>> {
  const response = await t.app.inject({ method: 'GET', url, headers: operator.headers })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<Payment>>()
}

describe('GET /api/payments/?cursor=', () => {
  it('following `next` from a cursor walks the whole list in order, each payment once', async () => {
    const everything = await get('/api/payments/?page_size=100')
    const first = await get('/api/payments/?page_size=10')
    const start = first.results.at(-1)
    assert.ok(start)
    const seen = first.results.map((payment) => payment.id)
    let url: string | null = `/api/payments/?page_size=10&cursor=${start.due_date}_${start.id}`
    while (url !== null) {
      const page = await get(url.replace('http://bureau.test', ''))
      assert.equal(page.previous, null)
      assert.equal(page.count, everything.count)
      seen.push(...page.results.map((payment) => payment.id))
      url = page.next
    }
    assert.deepEqual(
      seen,
      everything.results.map((payment) => payment.id),
    )
  })

  it('refuses a cursor with a page, and a cursor that names no real date (400 on cursor)', async () => {
    const both = await t.app.inject({
      method: 'GET',
      url: '/api/payments/?page=2&cursor=2026-04-01_1',
      headers: operator.headers,
    })
    assert.ok(assertInvalid(both).cursor)
    const badDate = await t.app.inject({
      method: 'GET',
      url: '/api/payments/?cursor=2026-02-30_1',
      headers: operator.headers,
    })
    assert.ok(assertInvalid(badDate).cursor)
    const badShape = await t.app.inject({
      method: 'GET',
      url: '/api/payments/?cursor=yesterday',
      headers: operator.headers,
    })
    assert.ok(assertInvalid(badShape).cursor)
  })
})
