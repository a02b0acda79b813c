import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import { startSmtpCapture, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import { newRegistrationNumber, newSupplier } from '../../../test/helpers/suppliers.ts'
import type { Anticipation, Payment } from './supplier-payments.schemas.ts'

const NOW = '2026-03-02T12:00:00Z'
const DUE = '2026-03-18'
const DATABASE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'

type Decided = Anticipation & { approvals: { user: number; at: string }[]; approvals_required: number }

/** Early payments above 1000.00 (new value) need two operators here. */
let t: TestApp
let smtp: SmtpCapture
let admin: SignedInUser

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({
    now: NOW,
    env: { SMTP_URL: smtp.url, APPROVAL_THRESHOLD_EARLY_PAYMENT: '1000.00' },
  })
  admin = await signIn(t, ['admin'])
})
after(async () => {
  await t.close()
  await smtp.close()
})

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

/** A company with a default BRL account and `user` linked to it as a supplier (by an admin). */
async function supplierOf(user: SignedInUser): Promise<number> {
  const bankAccounts = [
    { holder_name: 'Fornecedora', iban: 'BR1800360305000010009795493C1', currency: 'BRL', is_default: true },
  ]
  return (await newSupplier(t, admin, { user, bankAccounts })).id
}

async function registerPayment(caller: SignedInUser, supplier: number | undefined, value: string) {
  const response = await as(caller, {
    method: 'POST',
    url: '/api/payments/',
    payload: { ...(supplier === undefined ? {} : { supplier }), due_date: DUE, value },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Payment>()
}

async function request(caller: SignedInUser, payment: number): Promise<Decided> {
  const response = await as(caller, {
    method: 'POST',
    url: '/api/anticipations/',
    payload: { payment, new_due_date: '2026-03-02' },
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json<Decided>()
}

function decide(caller: SignedInUser, id: number, status: 'A' | 'D') {
  return as(caller, { method: 'PATCH', url: `/api/anticipations/${id}/`, payload: { status } })
}

/** A pending anticipation of `value` requested by its supplier's user, on a payment they registered. */
async function pendingAnticipation(value = '100.00') {
  const supplierUser = await signIn(t)
  await supplierOf(supplierUser)
  const payment = await registerPayment(supplierUser, undefined, value)
  return { supplierUser, anticipation: await request(supplierUser, payment.id) }
}

async function payoutOf(anticipationId: number) {
  const response = await as(admin, { method: 'GET', url: '/api/payouts?purpose=early_payment&page_size=100' })
  return response
    .json<{ results: { subject_id: number; status: string; approved_by: number[]; id: number }[] }>()
    .results.find((payout) => payout.subject_id === anticipationId)
}

describe('separation of duties: nobody decides an anticipation that is theirs', () => {
  it('refuses the operator who requested it (403 own_request), and lets another decide', async () => {
    const supplierUser = await signIn(t)
    await supplierOf(supplierUser)
    const payment = await registerPayment(supplierUser, undefined, '100.00')
    const requester = await signIn(t, ['operator'])
    const anticipation = await request(requester, payment.id)
    assertProblem(await decide(requester, anticipation.id, 'A'), 403, 'own_request')
    assertProblem(await decide(requester, anticipation.id, 'D'), 403, 'own_request')
    assert.equal((await decide(await signIn(t, ['operator']), anticipation.id, 'A')).statusCode, 200)
  })

  it('refuses the operator who registered its payment (403 own_request)', async () => {
    const supplierUser = await signIn(t)
    const supplier = await supplierOf(supplierUser)
    const registrar = await signIn(t, ['operator'])
    const payment = await registerPayment(registrar, supplier, '500000.00')
    const anticipation = await request(supplierUser, payment.id)
    assertProblem(await decide(registrar, anticipation.id, 'A'), 403, 'own_request')
    assert.equal(await payoutOf(anticipation.id), undefined)
  })

  it('refuses an operator who is the supplier’s own user (403 own_request)', async () => {
    const supplierOperator = await signIn(t, ['operator'])
    const supplier = await supplierOf(supplierOperator)
    const payment = await registerPayment(await signIn(t, ['operator']), supplier, '100.00')
    const anticipation = await request(await signIn(t, ['operator']), payment.id)
    assertProblem(await decide(supplierOperator, anticipation.id, 'A'), 403, 'own_request')
  })
})

describe(`two-person approval above APPROVAL_THRESHOLD_EARLY_PAYMENT (${DATABASE})`, () => {
  it('needs one operator at or below the threshold (new value 984.00)', async () => {
    const { anticipation } = await pendingAnticipation('1000.00')
    assert.deepEqual([anticipation.approvals, anticipation.approvals_required], [[], 1])
    const response = await decide(await signIn(t, ['operator']), anticipation.id, 'A')
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<Decided>().status, 'A')
  })

  it('records a first approval (202, still PC, no early payment, no email) and the second operator completes it', async () => {
    const { supplierUser, anticipation } = await pendingAnticipation('500000.00')
    assert.equal(anticipation.new_value, '492000.00')
    assert.equal(anticipation.approvals_required, 2)
    await t.platform.jobs.drain()
    const before = smtp.messages.filter((m) => m.recipients.includes(supplierUser.email)).length
    const [first, second] = [await signIn(t, ['operator']), await signIn(t, ['operator'])]
    const firstAnswer = await decide(first, anticipation.id, 'A')
    assert.equal(firstAnswer.statusCode, 202, firstAnswer.body)
    assert.equal(firstAnswer.json<Decided>().status, 'PC')
    assert.deepEqual(
      firstAnswer.json<Decided>().approvals.map((approval) => approval.user),
      [first.id],
    )
    assert.equal(await payoutOf(anticipation.id), undefined)
    await t.platform.jobs.drain()
    assert.equal(smtp.messages.filter((m) => m.recipients.includes(supplierUser.email)).length, before)

    const secondAnswer = await decide(second, anticipation.id, 'A')
    assert.equal(secondAnswer.statusCode, 200, secondAnswer.body)
    const approved = secondAnswer.json<Decided>()
    assert.equal(approved.status, 'A')
    assert.deepEqual(
      approved.approvals.map((approval) => approval.user),
      [first.id, second.id],
    )
    assert.deepEqual((await payoutOf(anticipation.id))?.approved_by, [first.id, second.id])
    await t.platform.jobs.drain()
    const subjects = smtp.messages
      .filter((m) => m.recipients.includes(supplierUser.email))
      .map((m) => m.parsed.subject)
    assert.deepEqual(subjects.slice(before), ['Anticipation approved.'])
    const audited = await as(admin, {
      method: 'GET',
      url: `/api/audit?subject_type=anticipation&subject_id=${anticipation.id}`,
    })
    assert.deepEqual(
      audited
        .json<{ results: { action: string; actor: number }[] }>()
        .results.map((event) => [event.action, event.actor]),
      [
        ['anticipation.approved', second.id],
        ['anticipation.approval_recorded', second.id],
        ['anticipation.approval_recorded', first.id],
      ],
    )
  })

  it('refuses the same operator twice (409 already_approved_by_you)', async () => {
    const { anticipation } = await pendingAnticipation('500000.00')
    const operator = await signIn(t, ['operator'])
    assert.equal((await decide(operator, anticipation.id, 'A')).statusCode, 202)
    assertProblem(await decide(operator, anticipation.id, 'A'), 409, 'already_approved_by_you')
  })

  it('ends it at once when an operator denies it after a first approval', async () => {
    const { anticipation } = await pendingAnticipation('500000.00')
    assert.equal((await decide(await signIn(t, ['operator']), anticipation.id, 'A')).statusCode, 202)
    const denied = await decide(await signIn(t, ['operator']), anticipation.id, 'D')
    assert.equal(denied.statusCode, 200, denied.body)
    assert.equal(denied.json<Decided>().status, 'D')
    assert.equal(await payoutOf(anticipation.id), undefined)
  })

  it('settles ten racing second approvals to exactly one completion and one early payment', async () => {
    const { anticipation } = await pendingAnticipation('500000.00')
    assert.equal((await decide(await signIn(t, ['operator']), anticipation.id, 'A')).statusCode, 202)
    const operators = await Promise.all(Array.from({ length: 10 }, () => signIn(t, ['operator'])))
    const answers = await Promise.all(operators.map((operator) => decide(operator, anticipation.id, 'A')))
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, ...Array<number>(9).fill(409)])
    for (const loser of answers.filter((answer) => answer.statusCode === 409)) {
      assert.equal(loser.json<{ code: string }>().code, 'anticipation_already_decided')
    }
    assert.equal((await payoutOf(anticipation.id))?.approved_by.length, 2)
  })
})

describe('verified people only: supplier links', () => {
  it('refuses to link a user whose email is not verified (403 email_not_verified)', async () => {
    const unverified = await signIn(t, [], { verified: false })
    const company = await as(admin, {
      method: 'POST',
      url: '/api/companies',
      payload: {
        legal_name: 'Sem Verificação Ltda.',
        registration_number: newRegistrationNumber(),
        email: 'finance@semverificacao.com.br',
      },
    })
    const response = await as(admin, {
      method: 'POST',
      url: '/api/suppliers',
      payload: { user: unverified.id, company: company.json<{ id: number }>().id },
    })
    const problem = assertProblem(response, 403, 'email_not_verified')
    assert.match(problem.detail, /verify-email\/resend/)
    const me = await as(unverified, { method: 'GET', url: '/api/auth/me' })
    assert.equal(me.json<{ supplier: number | null }>().supplier, null)
  })
})
