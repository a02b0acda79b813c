import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { startSmtpCapture, type CapturedEmail, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import { newSupplier as newSupplierOf, type SupplierAccount } from '../../../test/helpers/suppliers.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { JobContext } from '../../platform/jobs/jobs.ts'
import { notifySupplierJob } from './supplier-payments.jobs.ts'
import type { SupplierPaymentsTables } from './supplier-payments.repository.ts'
import type { Anticipation, LogEntry, Payment } from './supplier-payments.schemas.ts'

/** Noon, so the calendar date is the same in every time zone near UTC. */
const NOW = '2026-03-02T12:00:00Z'
const TODAY = '2026-03-02'
const INVALID_PAYMENT = { payment: ['Make sure you informed a valid payment.'] }

function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T00:00:00Z`)
  instant.setUTCDate(instant.getUTCDate() + days)
  return instant.toISOString().slice(0, 10)
}

let t: TestApp
let smtp: SmtpCapture

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ now: NOW, env: { SMTP_URL: smtp.url } })
})
beforeEach(() => {
  t.clock.set(NOW)
})
after(async () => {
  await t.close()
  await smtp.close()
})

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

/** A company and a user linked to it as a supplier, set up by `operator` through the API. */
function newSupplier(operator: SignedInUser): Promise<SupplierAccount> {
  return newSupplierOf(t, operator)
}

async function createPayment(caller: SignedInUser, dueDate: string, value = '1000.00'): Promise<Payment> {
  const response = await as(caller, {
    method: 'POST',
    url: '/api/payments/',
    payload: { due_date: dueDate, value },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Payment>()
}

function postAnticipation(caller: SignedInUser, payload: Record<string, unknown>) {
  return as(caller, { method: 'POST', url: '/api/anticipations/', payload })
}

async function requestAnticipation(caller: SignedInUser, payment: number, newDueDate: string) {
  const response = await postAnticipation(caller, { payment, new_due_date: newDueDate })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Anticipation>()
}

function patchAnticipation(caller: SignedInUser, id: number, payload: Record<string, unknown>) {
  return as(caller, { method: 'PATCH', url: `/api/anticipations/${id}/`, payload })
}

async function getPayment(caller: SignedInUser, id: number): Promise<Payment> {
  const response = await as(caller, { method: 'GET', url: `/api/payments/${id}/` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Payment>()
}

async function getAnticipation(caller: SignedInUser, id: number): Promise<Anticipation> {
  const response = await as(caller, { method: 'GET', url: `/api/anticipations/${id}/` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<Anticipation>()
}

/** Every log the caller may see, following the pages. */
async function allLogs(caller: SignedInUser): Promise<LogEntry[]> {
  const logs: LogEntry[] = []
  let url: string | null = '/api/logs/?page_size=100'
  while (url !== null) {
    const response = await as(caller, { method: 'GET', url })
    assert.equal(response.statusCode, 200, response.body)
    const page = response.json<Page<LogEntry>>()
    logs.push(...page.results)
    url = page.next === null ? null : page.next.replace('http://bureau.test', '')
  }
  return logs
}

/** A supplier with a payment of 1000.00 due in 16 days, and the operator who set them up. */
async function supplierWithPayment() {
  const operator = await signIn(t, ['operator'])
  const supplier = await newSupplier(operator)
  const payment = await createPayment(supplier.user, addDays(TODAY, 16))
  return { operator, supplier, payment }
}

/** Runs the queued jobs (the emails among them) and returns what reached `to`. */
async function emailsTo(to: string): Promise<CapturedEmail[]> {
  await t.platform.jobs.drain()
  return smtp.messages.filter((message) => message.recipients.includes(to))
}

/** The subjects, sorted: jobs drained together may deliver in any order. */
const subjects = (emails: CapturedEmail[]) => emails.map((email) => email.parsed.subject ?? '').sort()

function withSubject(emails: CapturedEmail[], subject: string): CapturedEmail {
  const email = emails.find((candidate) => candidate.parsed.subject === subject)
  assert.ok(email, `an email "${subject}"`)
  return email
}

describe('POST /api/anticipations/: requesting an anticipation', () => {
  it('answers 201 with the pending anticipation and its discounted value', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const response = await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY })
    assert.equal(response.statusCode, 201, response.body)
    const anticipation = response.json<Anticipation>()
    assert.ok(Number.isInteger(anticipation.id))
    assert.deepEqual(anticipation, {
      id: anticipation.id,
      payment: payment.id,
      creation_date: TODAY,
      new_due_date: TODAY,
      new_value: '984.00',
      update_date: '2026-03-02',
      status: 'PC',
      approvals: [],
      approvals_required: 1,
    })
    assert.deepEqual(await getAnticipation(supplier.user, anticipation.id), anticipation)
  })

  it('puts the payment in status PC', async () => {
    const { supplier, payment } = await supplierWithPayment()
    await requestAnticipation(supplier.user, payment.id, TODAY)
    assert.equal((await getPayment(supplier.user, payment.id)).status, 'PC')
  })

  it('lets an operator request one on a supplier’s behalf', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(operator, payment.id, addDays(TODAY, 15))
    assert.equal(anticipation.new_value, '999.00')
    assert.equal((await getPayment(supplier.user, payment.id)).status, 'PC')
  })

  it('accepts today as the new due date', async () => {
    const { supplier, payment } = await supplierWithPayment()
    assert.equal((await requestAnticipation(supplier.user, payment.id, TODAY)).new_due_date, TODAY)
  })

  it('accepts the day before the due date', async () => {
    const { supplier } = await supplierWithPayment()
    const payment = await createPayment(supplier.user, addDays(TODAY, 5), '15.00')
    const anticipation = await requestAnticipation(supplier.user, payment.id, addDays(TODAY, 4))
    assert.equal(anticipation.new_value, '14.98')
  })

  it('refuses a new due date in the past (400 on new_due_date)', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, -1) }),
    )
    assert.deepEqual(errors, { new_due_date: ['The new due date cannot be in the past.'] })
  })

  it('refuses a new due date equal to the due date (400 on new_due_date)', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: payment.due_date }),
    )
    assert.deepEqual(errors, { new_due_date: ['The new due date must be before the payment’s due date.'] })
  })

  it('refuses a new due date after the due date (400 on new_due_date)', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, 30) }),
    )
    assert.deepEqual(Object.keys(errors), ['new_due_date'])
  })

  it('refuses a payment due today (400 on non_field_errors)', async () => {
    const { supplier } = await supplierWithPayment()
    const payment = await createPayment(supplier.user, TODAY)
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY }),
    )
    assert.deepEqual(Object.keys(errors), ['non_field_errors'])
  })

  it('refuses a payment past due (400 on non_field_errors)', async () => {
    const { supplier } = await supplierWithPayment()
    t.clock.set(`${addDays(TODAY, -5)}T12:00:00Z`)
    const payment = await createPayment(supplier.user, addDays(TODAY, -1))
    t.clock.set(NOW)
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY }),
    )
    assert.deepEqual(errors, {
      non_field_errors: ['This payment is due or past due; it can no longer be anticipated.'],
    })
  })

  it('refuses a new due date so early that the discount would take the whole value (400, nothing created)', async () => {
    const { supplier } = await supplierWithPayment()
    const payment = await createPayment(supplier.user, addDays(TODAY, 1200))
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY }),
    )
    assert.deepEqual(Object.keys(errors), ['new_due_date'])
    assert.equal((await getPayment(supplier.user, payment.id)).status, 'A')
    await requestAnticipation(supplier.user, payment.id, addDays(TODAY, 250))
  })

  it('answers another supplier’s payment and a missing payment with the same 400 on payment', async () => {
    const { operator, supplier } = await supplierWithPayment()
    const other = await newSupplier(operator)
    const theirs = await createPayment(other.user, addDays(TODAY, 16))
    const hidden = await postAnticipation(supplier.user, { payment: theirs.id, new_due_date: TODAY })
    const missing = await postAnticipation(supplier.user, { payment: 2147483647, new_due_date: TODAY })
    assert.deepEqual(assertInvalid(hidden), INVALID_PAYMENT)
    assert.deepEqual(assertInvalid(missing), INVALID_PAYMENT)
    assert.equal((await getPayment(other.user, theirs.id)).status, 'A')
  })

  it('checks the payment before the dates, so another’s payment reveals nothing about it', async () => {
    const { operator, supplier } = await supplierWithPayment()
    const other = await newSupplier(operator)
    const theirs = await createPayment(other.user, TODAY)
    const response = await postAnticipation(supplier.user, { payment: theirs.id, new_due_date: '2020-01-01' })
    assert.deepEqual(assertInvalid(response), INVALID_PAYMENT)
  })

  it('refuses status in the body (400 Unknown field)', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY, status: 'A' }),
    )
    assert.deepEqual(errors, { status: ['Unknown field.'] })
    assert.equal((await getPayment(supplier.user, payment.id)).status, 'A')
  })

  it('refuses other unknown fields, such as new_value (400 Unknown field)', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const errors = assertInvalid(
      await postAnticipation(supplier.user, {
        payment: payment.id,
        new_due_date: TODAY,
        new_value: '999.99',
      }),
    )
    assert.deepEqual(errors, { new_value: ['Unknown field.'] })
  })

  it('requires payment and new_due_date, of the right types (400)', async () => {
    const { supplier } = await supplierWithPayment()
    assert.deepEqual(assertInvalid(await postAnticipation(supplier.user, {})), {
      payment: ['This field is required.'],
      new_due_date: ['This field is required.'],
    })
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: 'one', new_due_date: '15/09/2026' }),
    )
    assert.deepEqual(Object.keys(errors).sort(), ['new_due_date', 'payment'])
  })

  it('allows one anticipation per payment: a second request is 400 on non_field_errors', async () => {
    const { supplier, payment } = await supplierWithPayment()
    await requestAnticipation(supplier.user, payment.id, TODAY)
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, 1) }),
    )
    assert.deepEqual(Object.keys(errors), ['non_field_errors'])
  })

  it('allows one anticipation per payment ever, even after a denial', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const first = await requestAnticipation(supplier.user, payment.id, TODAY)
    assert.equal((await patchAnticipation(operator, first.id, { status: 'D' })).statusCode, 200)
    const errors = assertInvalid(
      await postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, 1) }),
    )
    assert.deepEqual(Object.keys(errors), ['non_field_errors'])
  })

  it('gives exactly one of two racing requests for one payment its anticipation', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const responses = await Promise.all([
      postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY }),
      postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, 1) }),
    ])
    const statuses = responses.map((response) => response.statusCode).sort()
    const loser = responses.find((response) => response.statusCode !== 201)!
    // The loser gets 409 when both requests passed the check before either committed and met at the
    // unique constraint, or the ordinary 400 when it read after the winner committed (always so on
    // embedded PGlite, whose one connection runs the two one after the other). Never two anticipations.
    assert.equal(statuses[0], 201, JSON.stringify(statuses))
    assert.ok(statuses[1] === 409 || statuses[1] === 400, JSON.stringify(statuses))
    if (loser.statusCode === 400) assert.deepEqual(Object.keys(assertInvalid(loser)), ['non_field_errors'])
    else assertProblem(loser, 409, 'anticipation_exists')
    const logs = (await allLogs(supplier.user)).filter((log) => log.action === 'R')
    assert.equal(logs.length, 1)
  })
})

describe('PATCH /api/anticipations/{id}/: an operator’s decision', () => {
  it('answers a missing anticipation with 404 before looking at the body', async () => {
    const { operator } = await supplierWithPayment()
    const response = await patchAnticipation(operator, 2147483647, { status: 'X', extra: true })
    assertProblem(response, 404, 'not_found')
  })

  it('approves a pending anticipation: 200, status A, update_date today, payment AN', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    t.clock.set('2026-03-02T12:01:00Z')
    const response = await patchAnticipation(operator, anticipation.id, { status: 'A' })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), {
      ...anticipation,
      status: 'A',
      update_date: '2026-03-02',
    })
    assert.equal((await getPayment(supplier.user, payment.id)).status, 'AN')
  })

  it('denies a pending anticipation: 200, status D, payment D', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    const response = await patchAnticipation(operator, anticipation.id, { status: 'D' })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<Anticipation>().status, 'D')
    assert.equal((await getPayment(supplier.user, payment.id)).status, 'D')
  })

  it('refuses the supplier deciding on their own anticipation (403), which stays pending', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    assertProblem(await patchAnticipation(supplier.user, anticipation.id, { status: 'A' }), 403, 'forbidden')
    assert.equal((await getAnticipation(supplier.user, anticipation.id)).status, 'PC')
  })

  for (const body of [
    { status: 'PC' },
    { status: 'a' },
    { status: 'AN' },
    { status: 1 },
    { status: null },
    {},
  ]) {
    it(`refuses ${JSON.stringify(body)}: only {status: "A" | "D"} (400 on status)`, async () => {
      const { operator, supplier, payment } = await supplierWithPayment()
      const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
      const errors = assertInvalid(await patchAnticipation(operator, anticipation.id, body))
      assert.deepEqual(Object.keys(errors), ['status'])
      assert.equal((await getAnticipation(operator, anticipation.id)).status, 'PC')
    })
  }

  for (const extra of [{ new_value: '1.00' }, { new_due_date: TODAY }, { payment: 1 }]) {
    it(`refuses a decision with another field (${Object.keys(extra)[0]}): 400 Unknown field`, async () => {
      const { operator, supplier, payment } = await supplierWithPayment()
      const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
      const errors = assertInvalid(
        await patchAnticipation(operator, anticipation.id, { status: 'A', ...extra }),
      )
      assert.deepEqual(errors, { [Object.keys(extra)[0]!]: ['Unknown field.'] })
      assert.deepEqual(await getAnticipation(operator, anticipation.id), anticipation)
    })
  }

  for (const [first, second] of [
    ['A', 'D'],
    ['A', 'A'],
    ['D', 'A'],
    ['D', 'D'],
  ] as const) {
    it(`makes a decision final: ${second} after ${first} is 409`, async () => {
      const { operator, supplier, payment } = await supplierWithPayment()
      const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
      assert.equal((await patchAnticipation(operator, anticipation.id, { status: first })).statusCode, 200)
      const other = await signIn(t, ['operator'])
      assertProblem(
        await patchAnticipation(other, anticipation.id, { status: second }),
        409,
        'anticipation_already_decided',
      )
      assert.equal((await getAnticipation(operator, anticipation.id)).status, first)
    })
  }

  it('allows approving on the new due date itself', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, addDays(TODAY, 1))
    t.clock.set(`${addDays(TODAY, 1)}T12:00:00Z`)
    const operator = await signIn(t, ['operator'])
    assert.equal((await patchAnticipation(operator, anticipation.id, { status: 'A' })).statusCode, 200)
  })

  it('refuses approving once the new due date has passed (409), but still allows denying', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, addDays(TODAY, 1))
    t.clock.set(`${addDays(TODAY, 2)}T12:00:00Z`)
    const operator = await signIn(t, ['operator'])
    assertProblem(
      await patchAnticipation(operator, anticipation.id, { status: 'A' }),
      409,
      'anticipation_expired',
    )
    const denied = await patchAnticipation(operator, anticipation.id, { status: 'D' })
    assert.equal(denied.statusCode, 200, denied.body)
    assert.equal(denied.json<Anticipation>().status, 'D')
  })

  it('gives exactly one of two operators deciding at once the decision', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const other = await signIn(t, ['operator'])
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    const responses = await Promise.all([
      patchAnticipation(operator, anticipation.id, { status: 'A' }),
      patchAnticipation(other, anticipation.id, { status: 'D' }),
    ])
    assert.deepEqual(responses.map((response) => response.statusCode).sort(), [200, 409])
    const winner = responses.find((response) => response.statusCode === 200)!
    const loser = responses.find((response) => response.statusCode === 409)!
    assertProblem(loser, 409, 'anticipation_already_decided')
    const decided = winner.json<Anticipation>().status
    assert.equal((await getAnticipation(supplier.user, anticipation.id)).status, decided)
    const decisions = (await allLogs(supplier.user)).filter((log) => log.action !== 'R')
    assert.deepEqual(
      decisions.map((log) => log.action),
      [decided],
    )
  })

  it('answers 404 for an anticipation that does not exist', async () => {
    const operator = await signIn(t, ['operator'])
    assertProblem(await patchAnticipation(operator, 2147483647, { status: 'A' }), 404, 'not_found')
  })
})

describe('GET /api/anticipations/{id}/', () => {
  it('shows the anticipation to its supplier and to operators', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    assert.deepEqual(await getAnticipation(supplier.user, anticipation.id), anticipation)
    assert.deepEqual(await getAnticipation(operator, anticipation.id), anticipation)
  })

  it('answers 404 to another supplier, as for one that does not exist', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const other = await newSupplier(operator)
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    const url = (id: number) => `/api/anticipations/${id}/`
    assertProblem(await as(other.user, { method: 'GET', url: url(anticipation.id) }), 404, 'not_found')
    assertProblem(await as(other.user, { method: 'GET', url: url(2147483647) }), 404, 'not_found')
  })
})

describe('GET /api/logs/: the request log', () => {
  it('writes R for the requesting supplier’s user, then A for the approving operator', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    t.clock.set('2026-03-02T12:02:00Z')
    await patchAnticipation(operator, anticipation.id, { status: 'A' })
    const logs = await allLogs(supplier.user)
    assert.deepEqual(
      logs.map(({ anticipation: id, user, action, created_at }) => ({ id, user, action, created_at })),
      [
        { id: anticipation.id, user: supplier.user.id, action: 'R', created_at: '2026-03-02T12:00:00.000Z' },
        { id: anticipation.id, user: operator.id, action: 'A', created_at: '2026-03-02T12:02:00.000Z' },
      ],
    )
  })

  it('writes R for an operator requesting on a supplier’s behalf, then D for the denying operator', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const other = await signIn(t, ['operator'])
    const anticipation = await requestAnticipation(operator, payment.id, TODAY)
    await patchAnticipation(other, anticipation.id, { status: 'D' })
    const logs = await allLogs(supplier.user)
    assert.deepEqual(
      logs.map(({ user, action }) => ({ user, action })),
      [
        { user: operator.id, action: 'R' },
        { user: other.id, action: 'D' },
      ],
    )
  })

  it('writes nothing for refused requests and decisions', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    await postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, -1) })
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY })
    await patchAnticipation(supplier.user, anticipation.id, { status: 'A' })
    await patchAnticipation(operator, anticipation.id, { status: 'D' })
    await patchAnticipation(operator, anticipation.id, { status: 'A' })
    assert.deepEqual(
      (await allLogs(supplier.user)).map((log) => log.action),
      ['R', 'D'],
    )
  })

  it('shows a supplier the logs of their own payments only, whoever wrote them', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const other = await newSupplier(operator)
    const theirs = await createPayment(other.user, addDays(TODAY, 16))
    const mine = await requestAnticipation(operator, payment.id, TODAY)
    const hidden = await requestAnticipation(other.user, theirs.id, TODAY)
    await patchAnticipation(operator, hidden.id, { status: 'A' })
    const logs = await allLogs(supplier.user)
    assert.deepEqual(
      logs.map((log) => log.anticipation),
      [mine.id],
    )
    assert.deepEqual(
      (await allLogs(other.user)).map((log) => [log.anticipation, log.action]),
      [
        [hidden.id, 'R'],
        [hidden.id, 'A'],
      ],
    )
  })

  it('shows an operator every supplier’s logs, ordered by id', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const other = await newSupplier(operator)
    const theirs = await createPayment(other.user, addDays(TODAY, 16))
    const first = await requestAnticipation(supplier.user, payment.id, TODAY)
    const second = await requestAnticipation(other.user, theirs.id, TODAY)
    const logs = await allLogs(operator)
    const ids = logs.map((log) => log.id)
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    )
    const anticipations = logs.map((log) => log.anticipation)
    assert.ok(anticipations.includes(first.id) && anticipations.includes(second.id))
  })

  it('pages the log by 10', async () => {
    const operator = await signIn(t, ['operator'])
    const supplier = await newSupplier(operator)
    for (let day = 0; day < 11; day++) {
      const payment = await createPayment(supplier.user, addDays(TODAY, 20 + day))
      await requestAnticipation(supplier.user, payment.id, addDays(TODAY, day))
    }
    const first = await as(supplier.user, { method: 'GET', url: '/api/logs/' })
    const page = first.json<Page<LogEntry>>()
    assert.equal(page.count, 11)
    assert.equal(page.results.length, 10)
    assert.equal(page.next, 'http://bureau.test/api/logs/?page=2')
    assertProblem(await as(supplier.user, { method: 'GET', url: '/api/logs/?page=3' }), 404, 'page_not_found')
  })
})

describe('emails to the supplier’s user', () => {
  it('sends "New anticipation requested." naming the payment, both dates and both values', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    const emails = await emailsTo(supplier.user.email)
    assert.deepEqual(subjects(emails), ['New anticipation requested.'])
    const { text, html } = withSubject(emails, 'New anticipation requested.').parsed
    for (const fact of [`#${payment.id}`, payment.due_date, '1000.00', anticipation.new_due_date, '984.00']) {
      assert.ok(text?.includes(fact), `the text names ${fact}: ${text}`)
      assert.ok(html?.includes(fact), `the HTML names ${fact}`)
    }
  })

  it('sends "Anticipation approved." when an operator approves, to the supplier and no one else', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, addDays(TODAY, 1))
    await patchAnticipation(operator, anticipation.id, { status: 'A' })
    const emails = await emailsTo(supplier.user.email)
    assert.deepEqual(subjects(emails), ['Anticipation approved.', 'New anticipation requested.'])
    const approved = withSubject(emails, 'Anticipation approved.')
    assert.deepEqual(approved.recipients, [supplier.user.email])
    const text = approved.parsed.text ?? ''
    for (const fact of [payment.due_date, '1000.00', addDays(TODAY, 1), anticipation.new_value]) {
      assert.ok(text.includes(fact), `the text names ${fact}`)
    }
    assert.deepEqual(await emailsTo(operator.email), [])
  })

  it('sends "Anticipation denied." when an operator denies', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    await patchAnticipation(operator, anticipation.id, { status: 'D' })
    const emails = await emailsTo(supplier.user.email)
    assert.deepEqual(subjects(emails), ['Anticipation denied.', 'New anticipation requested.'])
    const text = withSubject(emails, 'Anticipation denied.').parsed.text ?? ''
    for (const fact of [payment.due_date, '1000.00', TODAY, '984.00']) {
      assert.ok(text.includes(fact), `the text names ${fact}`)
    }
  })

  it('emails the supplier, not the operator, when an operator requests on their behalf', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    await requestAnticipation(operator, payment.id, TODAY)
    assert.deepEqual(subjects(await emailsTo(supplier.user.email)), ['New anticipation requested.'])
    assert.deepEqual(await emailsTo(operator.email), [])
  })

  it('sends nothing for refused requests and decisions', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    await postAnticipation(supplier.user, { payment: payment.id, new_due_date: addDays(TODAY, -1) })
    await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY, status: 'A' })
    assert.deepEqual(await emailsTo(supplier.user.email), [])
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    await postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY })
    await patchAnticipation(supplier.user, anticipation.id, { status: 'A' })
    await patchAnticipation(operator, anticipation.id, { status: 'D' })
    await patchAnticipation(operator, anticipation.id, { status: 'A' })
    assert.deepEqual(subjects(await emailsTo(supplier.user.email)), [
      'Anticipation denied.',
      'New anticipation requested.',
    ])
  })

  it('sends one email for two racing requests: the loser’s is rolled back with it', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const responses = await Promise.all([
      postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY }),
      postAnticipation(supplier.user, { payment: payment.id, new_due_date: TODAY }),
    ])
    assert.equal(responses.filter((response) => response.statusCode === 201).length, 1)
    assert.deepEqual(subjects(await emailsTo(supplier.user.email)), ['New anticipation requested.'])
  })

  it('the email job, run twice for one event, sends one email', async () => {
    const { supplier, payment } = await supplierWithPayment()
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    await emailsTo(supplier.user.email)
    const contacts = {
      contactOf: async () => ({ email: 'twice@bureau.test', first_name: 'Twice', email_verified: true }),
    }
    const job = notifySupplierJob(
      t.platform.db.$extendTables<SupplierPaymentsTables>(),
      t.platform.emails,
      contacts,
      'BRL',
    )
    const context: JobContext = {
      jobId: randomUUID(),
      attempt: 1,
      final: false,
      logger: t.platform.logger,
      untilDatabaseAnswers: (work) => work(),
    }
    await job.handle({ anticipationId: anticipation.id, event: 'R' }, context)
    await job.handle({ anticipationId: anticipation.id, event: 'R' }, { ...context, attempt: 2 })
    assert.deepEqual(subjects(await emailsTo('twice@bureau.test')), ['New anticipation requested.'])
  })

  it('sends one decision email for two operators deciding at once', async () => {
    const { operator, supplier, payment } = await supplierWithPayment()
    const other = await signIn(t, ['operator'])
    const anticipation = await requestAnticipation(supplier.user, payment.id, TODAY)
    const responses = await Promise.all([
      patchAnticipation(operator, anticipation.id, { status: 'A' }),
      patchAnticipation(other, anticipation.id, { status: 'D' }),
    ])
    const decided = responses.find((response) => response.statusCode === 200)!.json<Anticipation>().status
    assert.deepEqual(subjects(await emailsTo(supplier.user.email)), [
      decided === 'A' ? 'Anticipation approved.' : 'Anticipation denied.',
      'New anticipation requested.',
    ])
  })
})
