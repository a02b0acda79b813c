import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { newSupplier, type SupplierAccount } from '../../../test/helpers/suppliers.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Anticipation, Payment } from './supplier-payments.schemas.ts'

/*
 * GET /api/anticipations/: who sees which, in which order, filtered how, and each item as the
 * anticipation's own route shows it. Early payments above 1000.00 need two operators here.
 */

const NOW = '2026-03-02T12:00:00Z'
const DUE = '2026-03-18'

let t: TestApp
let operator: SignedInUser
let otherOperator: SignedInUser
let first: SupplierAccount
let second: SupplierAccount
/** first's anticipations, in the order they were requested: pending, approved, denied, pending (two approvals). */
const firsts: Anticipation[] = []
/** second's one pending anticipation. */
let seconds: Anticipation

before(async () => {
  t = await buildTestApp({ now: NOW, env: { APPROVAL_THRESHOLD_EARLY_PAYMENT: '1000.00' } })
  operator = await signIn(t, ['operator'])
  otherOperator = await signIn(t, ['operator'])
  first = await newSupplier(t, operator)
  second = await newSupplier(t, operator)
  for (const value of ['100.00', '200.00', '300.00', '5000.00']) {
    firsts.push(await requestAnticipation(first.user, value))
  }
  seconds = await requestAnticipation(second.user, '400.00')
  await decide(operator, firsts[1]?.id, 'A')
  await decide(operator, firsts[2]?.id, 'D')
  // The first of the two approvals the large one needs: it stays PC, with one approval.
  await decide(operator, firsts[3]?.id, 'A', 202)
})
after(() => t.close())

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

async function requestAnticipation(user: SignedInUser, value: string): Promise<Anticipation> {
  const payment = await as(user, { method: 'POST', url: '/api/payments/', payload: { due_date: DUE, value } })
  assert.equal(payment.statusCode, 201, payment.body)
  const response = await as(user, {
    method: 'POST',
    url: '/api/anticipations/',
    payload: { payment: payment.json<Payment>().id, new_due_date: '2026-03-10' },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Anticipation>()
}

async function decide(caller: SignedInUser, id: number | undefined, status: 'A' | 'D', expected = 200) {
  const response = await as(caller, {
    method: 'PATCH',
    url: `/api/anticipations/${id}/`,
    payload: { status },
  })
  assert.equal(response.statusCode, expected, response.body)
}

async function list(caller: SignedInUser, query = ''): Promise<Page<Anticipation>> {
  const response = await as(caller, { method: 'GET', url: `/api/anticipations/${query}` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Page<Anticipation>>()
}

const ids = (page: Page<Anticipation>) => page.results.map((anticipation) => anticipation.id)

describe('GET /api/anticipations/', () => {
  it('lists every anticipation to operators, oldest request first, with a count', async () => {
    const page = await list(operator, '?page_size=100')
    assert.deepEqual(ids(page), [...firsts.map((a) => a.id), seconds.id])
    assert.equal(page.count, 5)
  })

  it('shows each anticipation as its own route does, approvals included', async () => {
    const page = await list(operator, '?page_size=100')
    for (const item of page.results) {
      const one = await as(operator, { method: 'GET', url: `/api/anticipations/${item.id}/` })
      assert.deepEqual(item, one.json())
    }
    const large = page.results.find((item) => item.id === firsts[3]?.id)
    assert.ok(large, 'the anticipation waiting for a second approval is listed')
    assert.equal(large.approvals_required, 2)
    assert.deepEqual(
      large.approvals.map((approval) => approval.user),
      [operator.id],
    )
  })

  it('pages the list like the other lists: page, page_size, next and previous', async () => {
    const one = await list(operator, '?page_size=2')
    assert.deepEqual(ids(one), [firsts[0]?.id, firsts[1]?.id])
    assert.equal(one.next, 'http://bureau.test/api/anticipations/?page_size=2&page=2')
    assert.equal(one.previous, null)
    const three = await list(operator, '?page_size=2&page=3')
    assert.deepEqual(ids(three), [seconds.id])
    assert.equal(three.next, null)
    assert.equal(three.count, 5)
    const beyond = await as(operator, { method: 'GET', url: '/api/anticipations/?page_size=2&page=4' })
    assertProblem(beyond, 404, 'page_not_found')
  })

  it('filters by status, case-insensitively: PC is the queue, oldest request first', async () => {
    const pending = await list(operator, '?status=pc')
    assert.deepEqual(ids(pending), [firsts[0]?.id, firsts[3]?.id, seconds.id])
    assert.equal(pending.count, 3)
    assert.deepEqual(ids(await list(operator, '?status=A')), [firsts[1]?.id])
    assert.deepEqual(ids(await list(operator, '?status=d')), [firsts[2]?.id])
  })

  it('refuses any other status with a 400 naming the allowed ones', async () => {
    for (const status of ['AN', 'X', 'pending']) {
      const response = await as(operator, { method: 'GET', url: `/api/anticipations/?status=${status}` })
      assert.deepEqual(assertInvalid(response), { status: ['Select a valid choice: PC, A, D.'] })
    }
  })

  it('lets operators see one supplier’s anticipations with ?supplier=', async () => {
    const page = await list(operator, `?supplier=${second.id}`)
    assert.deepEqual(ids(page), [seconds.id])
    assert.equal(page.count, 1)
    const pending = await list(otherOperator, `?supplier=${first.id}&status=PC`)
    assert.deepEqual(ids(pending), [firsts[0]?.id, firsts[3]?.id])
    assert.equal(pending.count, 2)
  })

  it('shows a supplier’s user only their own anticipations, filtered alike', async () => {
    const own = await list(first.user)
    assert.deepEqual(
      ids(own),
      firsts.map((a) => a.id),
    )
    assert.equal(own.count, 4)
    assert.deepEqual(ids(await list(first.user, `?status=A&supplier=${first.id}`)), [firsts[1]?.id])
    assert.deepEqual(ids(await list(second.user)), [seconds.id])
  })

  it('answers 403 to a supplier’s user naming another supplier', async () => {
    const response = await as(first.user, { method: 'GET', url: `/api/anticipations/?supplier=${second.id}` })
    assertProblem(response, 403, 'forbidden')
  })

  it('answers 403 to a user who is neither an operator nor a supplier’s, and 401 without a token', async () => {
    const nobody = await signIn(t, ['approver', 'admin'])
    assertProblem(await as(nobody, { method: 'GET', url: '/api/anticipations/' }), 403, 'forbidden')
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/anticipations/' })
    assert.equal(anonymous.statusCode, 401)
  })

  it('refuses bad paging and supplier values with a 400, never a 5xx', async () => {
    for (const query of [
      '?page=0',
      '?page_size=101',
      '?supplier=abc',
      '?supplier=0',
      '?status=' + 'P'.repeat(11),
    ]) {
      const response = await as(operator, { method: 'GET', url: `/api/anticipations/${query}` })
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`)
    }
  })

  it('gives an empty page for a supplier with no anticipation, and for an unknown one', async () => {
    const third = await newSupplier(t, operator)
    assert.deepEqual(await list(third.user), { count: 0, next: null, previous: null, results: [] })
    const unknown = await list(operator, '?supplier=2147483647')
    assert.equal(unknown.count, 0)
  })
})
