import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { login, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { newSupplier as newSupplierOf, type SupplierAccount } from '../../../test/helpers/suppliers.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Anticipation, LogEntry, Payment, Quote } from './supplier-payments.schemas.ts'

/** Noon, so the calendar date is the same in every time zone near UTC. */
const NOW = '2026-03-02T12:00:00Z'
const TODAY = '2026-03-02'

function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T00:00:00Z`)
  instant.setUTCDate(instant.getUTCDate() + days)
  return instant.toISOString().slice(0, 10)
}

let t: TestApp

before(async () => {
  t = await buildTestApp({ now: NOW })
})
beforeEach(() => {
  t.clock.set(NOW)
})
after(() => t.close())

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

/** Runs `work` with the clock on another day (at noon), then puts it back. */
async function onDay<T>(day: string, work: () => Promise<T>): Promise<T> {
  t.clock.set(`${day}T12:00:00Z`)
  try {
    return await work()
  } finally {
    t.clock.set(NOW)
  }
}

/** Logs `user` in again: moving the clock days ahead expires the access tokens issued before. */
async function loginAgain(user: SignedInUser): Promise<SignedInUser> {
  const tokens = await login(t, user.email, user.password)
  return { ...user, ...tokens, headers: { authorization: `Bearer ${tokens.access}` } }
}

/** A company and a user linked to it as a supplier, set up by `operator` through the API. */
function newSupplier(operator: SignedInUser): Promise<SupplierAccount> {
  return newSupplierOf(t, operator)
}

function postPayment(caller: SignedInUser, payload: Record<string, unknown>) {
  return as(caller, { method: 'POST', url: '/api/payments/', payload })
}

async function createPayment(
  caller: SignedInUser,
  payload: { supplier?: number; due_date: string; value?: string | number },
): Promise<Payment> {
  const response = await postPayment(caller, { value: '1000.00', ...payload })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Payment>()
}

async function requestAnticipation(caller: SignedInUser, payment: number, newDueDate: string) {
  const response = await as(caller, {
    method: 'POST',
    url: '/api/anticipations/',
    payload: { payment, new_due_date: newDueDate },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Anticipation>()
}

async function decide(operator: SignedInUser, anticipation: number, status: 'A' | 'D') {
  const response = await as(operator, {
    method: 'PATCH',
    url: `/api/anticipations/${anticipation}/`,
    payload: { status },
  })
  assert.equal(response.statusCode, 200, response.body)
}

async function listPayments(caller: SignedInUser, query: string): Promise<Page<Payment>> {
  const response = await as(caller, { method: 'GET', url: `/api/payments/?${query}` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<Payment>>()
}

const idsOf = (page: Page<Payment>) => page.results.map((payment) => payment.id)

describe('POST /api/payments/', () => {
  it('lets an operator register a payment owed to a supplier, available and created today', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const response = await postPayment(operator, {
      supplier: supplier.id,
      due_date: '2026-04-01',
      value: '1000.00',
    })
    assert.equal(response.statusCode, 201, response.body)
    const payment = response.json<Payment>()
    assert.ok(Number.isInteger(payment.id))
    assert.deepEqual(payment, {
      id: payment.id,
      supplier: supplier.id,
      creation_date: TODAY,
      due_date: '2026-04-01',
      value: '1000.00',
      status: 'A',
    })
  })

  it('requires an operator to name the supplier (400 on supplier)', async () => {
    const operator = await signIn(t, ['operator'])
    const errors = assertInvalid(await postPayment(operator, { due_date: '2026-04-01', value: '10.00' }))
    assert.deepEqual(errors, { supplier: ['This field is required.'] })
  })

  it('answers an operator naming an unknown supplier with 400 on supplier', async () => {
    const operator = await signIn(t, ['operator'])
    const errors = assertInvalid(
      await postPayment(operator, { supplier: 2147483647, due_date: '2026-04-01', value: '10.00' }),
    )
    assert.deepEqual(Object.keys(errors), ['supplier'])
  })

  it('registers a supplier’s payment as their own when they omit the supplier', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: '2026-04-01' })
    assert.equal(payment.supplier, supplier.id)
  })

  it('lets a supplier name themself', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { supplier: supplier.id, due_date: '2026-04-01' })
    assert.equal(payment.supplier, supplier.id)
  })

  it('refuses a supplier naming another supplier with 403, and registers nothing', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    const response = await postPayment(supplier.user, {
      supplier: other.id,
      due_date: '2026-04-01',
      value: '10.00',
    })
    assertProblem(response, 403, 'forbidden')
    assert.equal((await listPayments(operator, `supplier=${other.id}`)).count, 0)
  })

  it('refuses a due date before today (400 on due_date)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const errors = assertInvalid(
      await postPayment(supplier.user, { due_date: addDays(TODAY, -1), value: '10.00' }),
    )
    assert.deepEqual(errors, { due_date: ['Due date cannot be in the past.'] })
  })

  it('accepts a payment due today, which is unavailable at once', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: TODAY })
    assert.equal(payment.status, 'U')
  })

  it('refuses a due date that is not a calendar date (400 on due_date)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    for (const due_date of ['2026-02-30', '02/04/2026', '2026-4-1', '']) {
      const errors = assertInvalid(await postPayment(supplier.user, { due_date, value: '10.00' }))
      assert.deepEqual(Object.keys(errors), ['due_date'], due_date)
    }
  })

  for (const value of [0, '0', '0.00', -1, '-10.00']) {
    it(`refuses a value of ${JSON.stringify(value)}: it must be more than 0`, async () => {
      const supplier = await newSupplier(await signIn(t, ['operator']))
      const errors = assertInvalid(await postPayment(supplier.user, { due_date: '2026-04-01', value }))
      assert.deepEqual(errors, { value: ['Ensure this value is greater than 0.'] })
    })
  }

  for (const value of ['10.001', 10.001]) {
    it(`refuses ${JSON.stringify(value)}: at most 2 decimals`, async () => {
      const supplier = await newSupplier(await signIn(t, ['operator']))
      const errors = assertInvalid(await postPayment(supplier.user, { due_date: '2026-04-01', value }))
      assert.deepEqual(errors, { value: ['Use at most 2 decimal places.'] })
    })
  }

  for (const value of ['1000000000', '1000000000.00', 1e9, '99999999999999']) {
    it(`refuses ${JSON.stringify(value)}: values must be below 10^9`, async () => {
      const supplier = await newSupplier(await signIn(t, ['operator']))
      const errors = assertInvalid(await postPayment(supplier.user, { due_date: '2026-04-01', value }))
      assert.deepEqual(errors, { value: ['Ensure this value is less than 1000000000.'] })
    })
  }

  for (const value of ['abc', '1,000.00', '1e3', 1e21, '', true, null]) {
    it(`refuses ${JSON.stringify(value)}, which is not an amount (400 on value)`, async () => {
      const supplier = await newSupplier(await signIn(t, ['operator']))
      const errors = assertInvalid(await postPayment(supplier.user, { due_date: '2026-04-01', value }))
      assert.deepEqual(Object.keys(errors), ['value'])
    })
  }

  it('accepts the largest value, 999999999.99, exactly', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: '2026-04-01', value: '999999999.99' })
    assert.equal(payment.value, '999999999.99')
  })

  it('answers the string "1000.5" as "1000.50"', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: '2026-04-01', value: '1000.5' })
    assert.equal(payment.value, '1000.50')
  })

  it('answers the number 1000.5 as "1000.50"', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: '2026-04-01', value: 1000.5 })
    assert.equal(payment.value, '1000.50')
  })

  it('refuses unknown fields, such as status and creation_date (400 Unknown field)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const errors = assertInvalid(
      await postPayment(supplier.user, {
        due_date: '2026-04-01',
        value: '10.00',
        status: 'AN',
        creation_date: '2020-01-01',
      }),
    )
    assert.deepEqual(errors, { status: ['Unknown field.'], creation_date: ['Unknown field.'] })
  })

  it('requires due_date and value', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const errors = assertInvalid(await postPayment(supplier.user, {}))
    assert.deepEqual(errors, { due_date: ['This field is required.'], value: ['This field is required.'] })
  })
})

/**
 * One supplier's payments in every status, on TODAY: some made on earlier days (so they can be due
 * yesterday), with anticipations requested and decided through the API.
 */
async function paymentsAroundToday() {
  const operator = await signIn(t, ['operator'])
  const supplier = await newSupplier(operator)
  const yesterday = addDays(TODAY, -1)
  const tomorrow = addDays(TODAY, 1)
  const threeDaysAgo = addDays(TODAY, -3)
  const [dueYesterday, dueYesterdayPending, dueYesterdayApproved, dueYesterdayDenied] = await onDay(
    threeDaysAgo,
    async () => {
      const payments = [
        await createPayment(supplier.user, { due_date: yesterday }),
        await createPayment(supplier.user, { due_date: yesterday }),
        await createPayment(supplier.user, { due_date: yesterday }),
        await createPayment(supplier.user, { due_date: yesterday }),
      ]
      const [, pending, approved, denied] = payments
      await requestAnticipation(supplier.user, pending!.id, threeDaysAgo)
      await decide(operator, (await requestAnticipation(supplier.user, approved!.id, threeDaysAgo)).id, 'A')
      await decide(operator, (await requestAnticipation(supplier.user, denied!.id, threeDaysAgo)).id, 'D')
      return payments
    },
  )
  const dueToday = await createPayment(supplier.user, { due_date: TODAY })
  const dueTomorrow = await createPayment(supplier.user, { due_date: tomorrow })
  const pendingTomorrow = await createPayment(supplier.user, { due_date: tomorrow })
  await requestAnticipation(supplier.user, pendingTomorrow.id, TODAY)
  const pendingLater = await createPayment(supplier.user, { due_date: addDays(TODAY, 10) })
  await requestAnticipation(supplier.user, pendingLater.id, addDays(TODAY, 5))
  const approvedTomorrow = await createPayment(supplier.user, { due_date: tomorrow })
  await decide(operator, (await requestAnticipation(supplier.user, approvedTomorrow.id, TODAY)).id, 'A')
  const deniedTomorrow = await createPayment(supplier.user, { due_date: tomorrow })
  await decide(operator, (await requestAnticipation(supplier.user, deniedTomorrow.id, TODAY)).id, 'D')

  const expected: Record<string, number[]> = {
    A: [dueTomorrow.id],
    U: [dueYesterday!.id, dueYesterdayPending!.id, dueToday.id],
    PC: [pendingTomorrow.id, pendingLater.id],
    AN: [dueYesterdayApproved!.id, approvedTomorrow.id],
    D: [dueYesterdayDenied!.id, deniedTomorrow.id],
  }
  return { operator, supplier, expected }
}

describe('GET /api/payments/?status=: the derived status, on a fixed today', () => {
  for (const status of ['A', 'U', 'PC', 'AN', 'D']) {
    it(`?status=${status} lists exactly the payments in status ${status}, by due date then id`, async () => {
      const { supplier, expected } = await paymentsAroundToday()
      const page = await listPayments(supplier.user, `status=${status}&page_size=100`)
      assert.deepEqual(idsOf(page), expected[status])
      assert.equal(page.count, expected[status]!.length)
      assert.ok(page.results.every((payment) => payment.status === status))
    })
  }

  it('gives an operator the same answer for one supplier (?supplier=&status=)', async () => {
    const { operator, supplier, expected } = await paymentsAroundToday()
    for (const status of ['A', 'U', 'PC', 'AN', 'D']) {
      const page = await listPayments(operator, `supplier=${supplier.id}&status=${status}`)
      assert.deepEqual(idsOf(page), expected[status], status)
    }
  })

  it('reads the status filter case-insensitively (?status=pc)', async () => {
    const { supplier, expected } = await paymentsAroundToday()
    assert.deepEqual(idsOf(await listPayments(supplier.user, 'status=pc')), expected.PC)
    assert.deepEqual(idsOf(await listPayments(supplier.user, 'status=An')), expected.AN)
  })

  it('answers any other status with 400 naming the allowed values', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    for (const status of ['XX', 'P', 'ANN', 'A,U']) {
      const errors = assertInvalid(
        await as(supplier.user, { method: 'GET', url: `/api/payments/?status=${status}` }),
      )
      assert.deepEqual(Object.keys(errors), ['status'], status)
      assert.match(errors.status![0]!, /A, U, PC, AN, D/)
    }
  })

  it('treats an empty ?status= as no filter', async () => {
    const { supplier, expected } = await paymentsAroundToday()
    const all = Object.values(expected).flat()
    const page = await listPayments(supplier.user, 'status=&page_size=100')
    assert.deepEqual(
      idsOf(page).sort((a, b) => a - b),
      all.sort((a, b) => a - b),
    )
    assert.deepEqual(page, await listPayments(supplier.user, 'page_size=100'))
  })

  it('carries each payment’s status in the list and on the payment itself', async () => {
    const { supplier, expected } = await paymentsAroundToday()
    const page = await listPayments(supplier.user, 'page_size=100')
    for (const [status, ids] of Object.entries(expected)) {
      for (const id of ids) {
        assert.equal(page.results.find((payment) => payment.id === id)?.status, status, `payment ${id}`)
        const one = await as(supplier.user, { method: 'GET', url: `/api/payments/${id}/` })
        assert.equal(one.json<Payment>().status, status, `payment ${id}`)
      }
    }
  })

  it('moves a pending payment to U once its due date arrives', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 2) })
    await requestAnticipation(supplier.user, payment.id, TODAY)
    assert.deepEqual(idsOf(await listPayments(supplier.user, 'status=PC')), [payment.id])

    t.clock.set(`${addDays(TODAY, 2)}T00:00:01Z`)
    const user = await loginAgain(supplier.user)
    assert.deepEqual(idsOf(await listPayments(user, 'status=PC')), [])
    assert.deepEqual(idsOf(await listPayments(user, 'status=U')), [payment.id])
    const one = await as(user, { method: 'GET', url: `/api/payments/${payment.id}/` })
    assert.equal(one.json<Payment>().status, 'U')
  })

  it('moves an available payment to U once its due date arrives', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 1) })
    assert.deepEqual(idsOf(await listPayments(supplier.user, 'status=A')), [payment.id])
    t.clock.set(`${addDays(TODAY, 1)}T00:00:00Z`)
    const user = await loginAgain(supplier.user)
    assert.deepEqual(idsOf(await listPayments(user, 'status=A')), [])
    assert.deepEqual(idsOf(await listPayments(user, 'status=U')), [payment.id])
  })
})

describe('GET /api/payments/: order, pages and who sees what', () => {
  it('orders payments by due date, then id', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const dues = [5, 1, 3, 1, 5, 2].map((days) => addDays(TODAY, days))
    const created: Payment[] = []
    for (const due_date of dues) created.push(await createPayment(supplier.user, { due_date }))
    const expected = [...created]
      .sort((a, b) => a.due_date.localeCompare(b.due_date) || a.id - b.id)
      .map((payment) => payment.id)
    assert.deepEqual(idsOf(await listPayments(supplier.user, '')), expected)
  })

  it('pages by 10 with count and absolute next/previous links', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const ids: number[] = []
    for (let day = 1; day <= 12; day++) {
      ids.push((await createPayment(supplier.user, { due_date: addDays(TODAY, day) })).id)
    }
    const first = await listPayments(supplier.user, '')
    assert.equal(first.count, 12)
    assert.deepEqual(idsOf(first), ids.slice(0, 10))
    assert.equal(first.previous, null)
    assert.equal(first.next, 'http://bureau.test/api/payments/?page=2')
    const second = await listPayments(supplier.user, 'page=2')
    assert.deepEqual(idsOf(second), ids.slice(10))
    assert.equal(second.next, null)
    assert.equal(second.previous, 'http://bureau.test/api/payments/')
  })

  it('honours page_size and keeps the filters in the links', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const ids: number[] = []
    for (let day = 1; day <= 5; day++) {
      ids.push((await createPayment(supplier.user, { due_date: addDays(TODAY, day) })).id)
    }
    const page = await listPayments(operator, `supplier=${supplier.id}&status=a&page_size=2&page=2`)
    assert.equal(page.count, 5)
    assert.deepEqual(idsOf(page), ids.slice(2, 4))
    assert.equal(
      page.next,
      `http://bureau.test/api/payments/?supplier=${supplier.id}&status=a&page_size=2&page=3`,
    )
    assert.equal(
      page.previous,
      `http://bureau.test/api/payments/?supplier=${supplier.id}&status=a&page_size=2`,
    )
  })

  it('answers a page past the end with 404', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    await createPayment(supplier.user, { due_date: addDays(TODAY, 1) })
    assertProblem(
      await as(supplier.user, { method: 'GET', url: '/api/payments/?page=2' }),
      404,
      'page_not_found',
    )
  })

  it('answers page 1 of nothing with an empty page', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    assert.deepEqual(await listPayments(supplier.user, ''), {
      count: 0,
      next: null,
      previous: null,
      results: [],
    })
  })

  for (const query of ['page=0', 'page=-1', 'page=x', 'page_size=0', 'page_size=101', 'supplier=abc']) {
    it(`answers ?${query} with 400`, async () => {
      const supplier = await newSupplier(await signIn(t, ['operator']))
      const errors = assertInvalid(await as(supplier.user, { method: 'GET', url: `/api/payments/?${query}` }))
      assert.deepEqual(Object.keys(errors), [query.split('=')[0]])
    })
  }

  it('filters an operator’s list by ?supplier=', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    const mine = await createPayment(operator, { supplier: supplier.id, due_date: addDays(TODAY, 3) })
    await createPayment(operator, { supplier: other.id, due_date: addDays(TODAY, 1) })
    assert.deepEqual(idsOf(await listPayments(operator, `supplier=${supplier.id}`)), [mine.id])
  })

  it('shows an operator every supplier’s payments', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    const mine = await createPayment(supplier.user, { due_date: '2030-01-01' })
    const theirs = await createPayment(other.user, { due_date: '2030-01-01' })
    const page = await listPayments(operator, 'page_size=100&status=A')
    assert.ok(idsOf(page).includes(mine.id) && idsOf(page).includes(theirs.id))
  })

  it('shows a supplier only their own payments', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    const mine = await createPayment(supplier.user, { due_date: addDays(TODAY, 2) })
    await createPayment(other.user, { due_date: addDays(TODAY, 1) })
    const page = await listPayments(supplier.user, '')
    assert.deepEqual(idsOf(page), [mine.id])
    assert.equal(page.count, 1)
  })

  it('refuses a supplier asking for another supplier’s payments by ?supplier= (403)', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    await createPayment(other.user, { due_date: addDays(TODAY, 1) })
    assertProblem(
      await as(supplier.user, { method: 'GET', url: `/api/payments/?supplier=${other.id}` }),
      403,
      'forbidden',
    )
    assert.deepEqual(idsOf(await listPayments(supplier.user, `supplier=${supplier.id}`)), [])
  })
})

describe('GET /api/payments/{id}/', () => {
  it('shows a supplier their own payment', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 1), value: '12.30' })
    const response = await as(supplier.user, { method: 'GET', url: `/api/payments/${payment.id}/` })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), payment)
  })

  it('answers with and without the trailing slash', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 1) })
    const response = await as(supplier.user, { method: 'GET', url: `/api/payments/${payment.id}` })
    assert.deepEqual(response.json(), payment)
  })

  it('answers 404 for another supplier’s payment, as for one that does not exist', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    const theirs = await createPayment(other.user, { due_date: addDays(TODAY, 1) })
    const hidden = await as(supplier.user, { method: 'GET', url: `/api/payments/${theirs.id}/` })
    const missing = await as(supplier.user, { method: 'GET', url: '/api/payments/2147483647/' })
    assertProblem(hidden, 404, 'not_found')
    assertProblem(missing, 404, 'not_found')
    assert.equal(hidden.json<{ detail: string }>().detail, missing.json<{ detail: string }>().detail)
  })

  it('answers an id that is not a positive integer with 400', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
      assertInvalid(await as(supplier.user, { method: 'GET', url: `/api/payments/${id}/` }))
    }
  })
})

describe('GET /api/payments/{id}/anticipation-quote', () => {
  function quote(caller: SignedInUser, payment: number, newDueDate?: string) {
    const query = newDueDate === undefined ? '' : `?new_due_date=${newDueDate}`
    return as(caller, { method: 'GET', url: `/api/payments/${payment}/anticipation-quote${query}` })
  }

  it('quotes 984.00 for 1000.00 sixteen days early, with the discount and the effective annual rate', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 16), value: '1000.00' })
    const response = await quote(supplier.user, payment.id, TODAY)
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), {
      payment: payment.id,
      new_due_date: TODAY,
      days: 16,
      value: '1000.00',
      new_value: '984.00',
      discount: '16.00',
      effective_annual_rate: '0.3709',
    })
  })

  it('quotes the new value a real request then gets', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 23), value: '7345.67' })
    const newDueDate = addDays(TODAY, 4)
    const quoted = (await quote(supplier.user, payment.id, newDueDate)).json<Quote>()
    const anticipation = await requestAnticipation(supplier.user, payment.id, newDueDate)
    assert.equal(anticipation.new_value, quoted.new_value)
    assert.equal(anticipation.new_due_date, quoted.new_due_date)
    assert.equal(quoted.days, 19)
    assert.equal(quoted.discount, '139.57')
  })

  it('quotes an operator the same as the supplier', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 9), value: '15.00' })
    const bySupplier = await quote(supplier.user, payment.id, addDays(TODAY, 8))
    const byOperator = await quote(operator, payment.id, addDays(TODAY, 8))
    assert.equal(byOperator.statusCode, 200)
    assert.deepEqual(byOperator.json(), bySupplier.json())
    assert.equal(bySupplier.json<Quote>().new_value, '14.98')
  })

  it('creates nothing: no anticipation, no log, the payment stays available', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 16) })
    assert.equal((await quote(supplier.user, payment.id, TODAY)).statusCode, 200)
    assert.equal((await quote(supplier.user, payment.id, addDays(TODAY, 1))).statusCode, 200)
    const logs = await as(supplier.user, { method: 'GET', url: '/api/logs/' })
    assert.equal(logs.json<Page<LogEntry>>().count, 0)
    const after = await as(supplier.user, { method: 'GET', url: `/api/payments/${payment.id}/` })
    assert.equal(after.json<Payment>().status, 'A')
    await requestAnticipation(supplier.user, payment.id, TODAY)
  })

  it('refuses a new due date in the past, as a real request does (400 on new_due_date)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 16) })
    const errors = assertInvalid(await quote(supplier.user, payment.id, addDays(TODAY, -1)))
    assert.deepEqual(errors, { new_due_date: ['The new due date cannot be in the past.'] })
  })

  it('refuses a new due date on or after the due date (400 on new_due_date)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 16) })
    for (const day of [16, 17]) {
      const errors = assertInvalid(await quote(supplier.user, payment.id, addDays(TODAY, day)))
      assert.deepEqual(Object.keys(errors), ['new_due_date'])
    }
  })

  it('refuses a payment that is due (400 on non_field_errors)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: TODAY })
    const errors = assertInvalid(await quote(supplier.user, payment.id, TODAY))
    assert.deepEqual(Object.keys(errors), ['non_field_errors'])
  })

  it('refuses a payment that already has an anticipation (400 on non_field_errors)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 16) })
    await requestAnticipation(supplier.user, payment.id, TODAY)
    const errors = assertInvalid(await quote(supplier.user, payment.id, addDays(TODAY, 1)))
    assert.deepEqual(Object.keys(errors), ['non_field_errors'])
  })

  it('accepts 999 days early at 3 % a month, leaving 1.00 of 1000.00', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 999), value: '1000.00' })
    const response = await quote(supplier.user, payment.id, TODAY)
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<Quote>().new_value, '1.00')
  })

  for (const days of [1000, 1500]) {
    it(`refuses ${days} days early at 3 % a month, when nothing would be left to pay (400, never 5xx)`, async () => {
      const supplier = await newSupplier(await signIn(t, ['operator']))
      const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, days) })
      const errors = assertInvalid(await quote(supplier.user, payment.id, TODAY))
      assert.deepEqual(Object.keys(errors), ['new_due_date'])
    })
  }

  it('requires new_due_date as a calendar date (400)', async () => {
    const supplier = await newSupplier(await signIn(t, ['operator']))
    const payment = await createPayment(supplier.user, { due_date: addDays(TODAY, 16) })
    assert.deepEqual(assertInvalid(await quote(supplier.user, payment.id)), {
      new_due_date: ['This field is required.'],
    })
    for (const bad of ['tomorrow', '2026-02-30', '2026-3-5']) {
      const errors = assertInvalid(await quote(supplier.user, payment.id, bad))
      assert.deepEqual(Object.keys(errors), ['new_due_date'], bad)
    }
  })

  it('answers 404 for another supplier’s payment and for a missing one', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    const other = await newSupplier(operator)
    const theirs = await createPayment(other.user, { due_date: addDays(TODAY, 16) })
    assertProblem(await quote(supplier.user, theirs.id, TODAY), 404, 'not_found')
    assertProblem(await quote(supplier.user, 2147483647, TODAY), 404, 'not_found')
  })
})
