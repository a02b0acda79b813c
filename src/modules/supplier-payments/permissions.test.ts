import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { createUser, signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { Role } from '../../platform/http/actor.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Anticipation, Payment, Supplier } from './supplier-payments.schemas.ts'

const NOW = '2026-03-02T12:00:00Z'
const TODAY = '2026-03-02'
const DUE = '2026-03-18'
/** An id nothing has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647

type Caller = 'anonymous' | 'plain user' | 'approver' | 'admin' | 'operator' | 'supplier' | 'other supplier'
type RoleCaller = 'plain user' | 'approver' | 'admin' | 'operator'

const CALLERS: Caller[] = [
  'anonymous',
  'plain user',
  'approver',
  'admin',
  'operator',
  'supplier',
  'other supplier',
]
const ROLES_OF: Record<RoleCaller, Role[]> = {
  'plain user': [],
  approver: ['approver'],
  admin: ['admin'],
  operator: ['operator'],
}
/** Callers who are neither operators nor linked to a supplier: nothing in this module is theirs. */
const OUTSIDERS: Caller[] = ['plain user', 'approver', 'admin']

/** What a refusal says, by status. */
const REFUSAL_CODE: Record<number, string> = {
  400: 'validation_failed',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
}

/** Operators all; the owning supplier as `own`; another supplier as `other`; everyone else 403. */
function paymentsRule(operator: number, own: number, other: number): Record<Caller, number> {
  return {
    anonymous: 401,
    'plain user': 403,
    approver: 403,
    admin: 403,
    operator,
    supplier: own,
    'other supplier': other,
  }
}

/** Operators and admins; everyone else 403. */
function staffRule(status: number): Record<Caller, number> {
  return {
    anonymous: 401,
    'plain user': 403,
    approver: 403,
    admin: status,
    operator: status,
    supplier: 403,
    'other supplier': 403,
  }
}

function describeCaller(caller: Caller): string {
  if (caller === 'anonymous') return 'an anonymous caller'
  if (caller === 'supplier') return 'the owning supplier'
  return /^[aeiou]/.test(caller) ? `an ${caller}` : `a ${caller}`
}

interface SupplierAccount {
  id: number
  company: number
  user: SignedInUser
}

/** The supplier whose objects a request is about, and one of their payments. */
interface World {
  owner: SupplierAccount
  payment: Payment
}

interface RouteRule {
  route: string
  expected: Record<Caller, number>
  /** Sends a request that is right in every respect but, perhaps, who sends it. */
  send(caller: SignedInUser | undefined, world: World): Promise<LightMyRequestResponse>
}

let t: TestApp
/** Sets up the companies, suppliers, payments and anticipations the requests are about. */
let setup: SignedInUser

before(async () => {
  t = await buildTestApp({ now: NOW })
  setup = await signIn(t, ['admin', 'operator'])
})
after(() => t.close())

function as(caller: SignedInUser | undefined, request: InjectOptions) {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
}

async function newCompany(legalName = 'Fornecedora Ltda.'): Promise<{ id: number; registration: string }> {
  const registration = String(randomInt(10_000_000_000_000, 100_000_000_000_000))
  const response = await as(setup, {
    method: 'POST',
    url: '/api/companies',
    payload: {
      legal_name: legalName,
      registration_number: registration,
      email: 'finance@fornecedora.com.br',
      bank_accounts: [{ holder_name: legalName, iban: 'DE89370400440532013000', currency: 'EUR' }],
    },
  })
  assert.equal(response.statusCode, 201, response.body)
  return { id: response.json<{ id: number }>().id, registration }
}

function postSupplier(caller: SignedInUser | undefined, payload: Record<string, unknown>) {
  return as(caller, { method: 'POST', url: '/api/suppliers', payload })
}

/** A company and a user linked to it as a supplier, through the API. */
async function newSupplier(): Promise<SupplierAccount> {
  const user = await signIn(t)
  const company = await newCompany()
  const response = await postSupplier(setup, { user: user.id, company: company.id })
  assert.equal(response.statusCode, 201, response.body)
  return { id: response.json<Supplier>().id, company: company.id, user }
}

describe('who may call each supplier-payments route', () => {
  async function newWorld(): Promise<World> {
    const owner = await newSupplier()
    const response = await as(owner.user, {
      method: 'POST',
      url: '/api/payments/',
      payload: { due_date: DUE, value: '1000.00' },
    })
    assert.equal(response.statusCode, 201, response.body)
    return { owner, payment: response.json<Payment>() }
  }

  async function callerFor(caller: Caller, world: World): Promise<SignedInUser | undefined> {
    switch (caller) {
      case 'anonymous':
        return undefined
      case 'supplier':
        return world.owner.user
      case 'other supplier':
        return (await newSupplier()).user
      default:
        return signIn(t, ROLES_OF[caller])
    }
  }

  async function newAnticipation(world: World): Promise<Anticipation> {
    const response = await as(world.owner.user, {
      method: 'POST',
      url: '/api/anticipations/',
      payload: { payment: world.payment.id, new_due_date: TODAY },
    })
    assert.equal(response.statusCode, 201, response.body)
    return response.json<Anticipation>()
  }

  const rules: RouteRule[] = [
    {
      route: 'GET /api/suppliers',
      expected: staffRule(200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/suppliers' }),
    },
    {
      route: 'POST /api/suppliers',
      expected: staffRule(201),
      send: async (caller) => {
        const user = await createUser(t)
        const company = await newCompany()
        return postSupplier(caller, { user: user.id, company: company.id })
      },
    },
    {
      route: 'GET /api/payments/',
      expected: paymentsRule(200, 200, 200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/payments/' }),
    },
    {
      route: 'POST /api/payments/',
      expected: paymentsRule(201, 201, 403),
      send: (caller, { owner }) =>
        as(caller, {
          method: 'POST',
          url: '/api/payments/',
          payload: { supplier: owner.id, due_date: DUE, value: '10.00' },
        }),
    },
    {
      route: 'GET /api/payments/{id}/',
      expected: paymentsRule(200, 200, 404),
      send: (caller, { payment }) => as(caller, { method: 'GET', url: `/api/payments/${payment.id}/` }),
    },
    {
      route: 'GET /api/payments/{id}/anticipation-quote',
      expected: paymentsRule(200, 200, 404),
      send: (caller, { payment }) =>
        as(caller, {
          method: 'GET',
          url: `/api/payments/${payment.id}/anticipation-quote?new_due_date=${TODAY}`,
        }),
    },
    {
      route: 'POST /api/anticipations/',
      // Another supplier's payment is "not a valid payment" (400), as a missing one: ids stay hidden.
      expected: paymentsRule(201, 201, 400),
      send: (caller, { payment }) =>
        as(caller, {
          method: 'POST',
          url: '/api/anticipations/',
          payload: { payment: payment.id, new_due_date: TODAY },
        }),
    },
    {
      route: 'GET /api/anticipations/{id}/',
      expected: paymentsRule(200, 200, 404),
      send: async (caller, world) => {
        const anticipation = await newAnticipation(world)
        return as(caller, { method: 'GET', url: `/api/anticipations/${anticipation.id}/` })
      },
    },
    {
      route: 'PATCH /api/anticipations/{id}/',
      expected: paymentsRule(200, 403, 403),
      send: async (caller, world) => {
        const anticipation = await newAnticipation(world)
        return as(caller, {
          method: 'PATCH',
          url: `/api/anticipations/${anticipation.id}/`,
          payload: { status: 'A' },
        })
      },
    },
    {
      route: 'GET /api/logs/',
      expected: paymentsRule(200, 200, 200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/logs/' }),
    },
  ]

  for (const rule of rules) {
    describe(rule.route, () => {
      for (const caller of CALLERS) {
        const status = rule.expected[caller]
        it(`answers ${describeCaller(caller)} with ${status}`, async () => {
          const world = await newWorld()
          const response = await rule.send(await callerFor(caller, world), world)
          const refusal = REFUSAL_CODE[status]
          if (refusal === undefined) assert.equal(response.statusCode, status, response.body)
          else assertProblem(response, status, refusal)
        })
      }
    })
  }

  describe('what each caller sees', () => {
    it('shows another supplier none of the owner’s payments or logs', async () => {
      const world = await newWorld()
      await newAnticipation(world)
      const other = await newSupplier()
      const payments = await as(other.user, { method: 'GET', url: '/api/payments/' })
      assert.deepEqual(payments.json<Page<Payment>>().results, [])
      const logs = await as(other.user, { method: 'GET', url: '/api/logs/' })
      assert.deepEqual(logs.json<Page<unknown>>().results, [])
    })

    it('shows the owning supplier their payment and its log', async () => {
      const world = await newWorld()
      const anticipation = await newAnticipation(world)
      const payments = await as(world.owner.user, { method: 'GET', url: '/api/payments/' })
      assert.deepEqual(
        payments.json<Page<Payment>>().results.map((payment) => payment.id),
        [world.payment.id],
      )
      const logs = await as(world.owner.user, { method: 'GET', url: '/api/logs/' })
      assert.deepEqual(
        logs.json<Page<{ anticipation: number }>>().results.map((log) => log.anticipation),
        [anticipation.id],
      )
    })

    it('does not let another supplier decide, even on a payment of their own making (403)', async () => {
      const world = await newWorld()
      const anticipation = await newAnticipation(world)
      const other = await newSupplier()
      const response = await as(other.user, {
        method: 'PATCH',
        url: `/api/anticipations/${anticipation.id}/`,
        payload: { status: 'D' },
      })
      assertProblem(response, 403, 'forbidden')
      const after = await as(setup, { method: 'GET', url: `/api/anticipations/${anticipation.id}/` })
      assert.equal(after.json<Anticipation>().status, 'PC')
    })
  })

  describe('order of checks: 401, then 403, then 404, then 400/409', () => {
    const requestsWithEverythingWrong: { route: string; request: InjectOptions; staff?: boolean }[] = [
      { route: 'GET /api/suppliers', request: { method: 'GET', url: '/api/suppliers?page=0' }, staff: true },
      {
        route: 'POST /api/suppliers',
        request: { method: 'POST', url: '/api/suppliers', payload: { user: 'me', extra: true } },
        staff: true,
      },
      {
        route: 'GET /api/payments/',
        request: { method: 'GET', url: '/api/payments/?status=XX&page_size=1000' },
      },
      {
        route: 'POST /api/payments/',
        request: {
          method: 'POST',
          url: '/api/payments/',
          payload: { supplier: UNKNOWN_ID, due_date: '2020-01-01', value: '-1.001', status: 'A' },
        },
      },
      {
        route: 'POST /api/payments/ (malformed JSON)',
        request: {
          method: 'POST',
          url: '/api/payments/',
          headers: { 'content-type': 'application/json' },
          payload: '{"value": ',
        },
      },
      { route: 'GET /api/payments/{id}/', request: { method: 'GET', url: `/api/payments/${UNKNOWN_ID}/` } },
      {
        route: 'GET /api/payments/{id}/ (malformed id)',
        request: { method: 'GET', url: '/api/payments/abc/' },
      },
      {
        route: 'GET /api/payments/{id}/anticipation-quote',
        request: { method: 'GET', url: `/api/payments/${UNKNOWN_ID}/anticipation-quote?new_due_date=soon` },
      },
      {
        route: 'POST /api/anticipations/',
        request: { method: 'POST', url: '/api/anticipations/', payload: { payment: 'x', status: 'A' } },
      },
      {
        route: 'GET /api/anticipations/{id}/',
        request: { method: 'GET', url: `/api/anticipations/${UNKNOWN_ID}/` },
      },
      {
        route: 'PATCH /api/anticipations/{id}/',
        request: {
          method: 'PATCH',
          url: `/api/anticipations/${UNKNOWN_ID}/`,
          payload: { status: 'X', new_value: '1.00' },
        },
      },
      {
        route: 'PATCH /api/anticipations/{id}/ (malformed id)',
        request: { method: 'PATCH', url: '/api/anticipations/abc/', payload: { status: 'X' } },
      },
      { route: 'GET /api/logs/', request: { method: 'GET', url: '/api/logs/?page=0' } },
    ]

    for (const { route, request } of requestsWithEverythingWrong) {
      it(`answers an anonymous caller of ${route} with 401 before looking at the request`, async () => {
        assertProblem(await t.app.inject(request), 401, 'not_authenticated')
      })
    }

    for (const { route, request, staff } of requestsWithEverythingWrong) {
      for (const caller of OUTSIDERS.filter((outsider) => !(staff && outsider === 'admin'))) {
        it(`answers ${describeCaller(caller)} calling ${route} with 403 before looking at the request`, async () => {
          const user = await signIn(t, ROLES_OF[caller as RoleCaller])
          assertProblem(await as(user, request), 403, 'forbidden')
        })
      }
    }

    it('answers a supplier deciding on a missing anticipation with a bad body with 403', async () => {
      const supplier = await newSupplier()
      const response = await as(supplier.user, {
        method: 'PATCH',
        url: `/api/anticipations/${UNKNOWN_ID}/`,
        payload: { status: 'X' },
      })
      assertProblem(response, 403, 'forbidden')
    })

    it('answers a supplier calling the supplier routes with 403 before looking at the request', async () => {
      const supplier = await newSupplier()
      assertProblem(
        await as(supplier.user, { method: 'POST', url: '/api/suppliers', payload: { user: 'me' } }),
        403,
        'forbidden',
      )
    })

    it('answers a quote on another supplier’s payment with 404 before looking at the query', async () => {
      const world = await newWorld()
      const other = await newSupplier()
      for (const query of ['', '?new_due_date=soon', `?new_due_date=${DUE}`]) {
        const response = await as(other.user, {
          method: 'GET',
          url: `/api/payments/${world.payment.id}/anticipation-quote${query}`,
        })
        assertProblem(response, 404, 'not_found')
      }
    })

    it('answers a quote on a missing payment with 404 before looking at the query', async () => {
      const operator = await signIn(t, ['operator'])
      const response = await as(operator, {
        method: 'GET',
        url: `/api/payments/${UNKNOWN_ID}/anticipation-quote?new_due_date=soon`,
      })
      assertProblem(response, 404, 'not_found')
    })

    it('answers an operator’s bad decision on an existing anticipation with 400, then a repeated one with 409', async () => {
      const world = await newWorld()
      const anticipation = await newAnticipation(world)
      const operator = await signIn(t, ['operator'])
      const url = `/api/anticipations/${anticipation.id}/`
      assertInvalid(await as(operator, { method: 'PATCH', url, payload: { status: 'X' } }))
      assert.equal((await as(operator, { method: 'PATCH', url, payload: { status: 'D' } })).statusCode, 200)
      assertProblem(
        await as(operator, { method: 'PATCH', url, payload: { status: 'D' } }),
        409,
        'anticipation_already_decided',
      )
    })

    it('answers the owner’s bad quote query with 400', async () => {
      const world = await newWorld()
      const response = await as(world.owner.user, {
        method: 'GET',
        url: `/api/payments/${world.payment.id}/anticipation-quote?new_due_date=soon`,
      })
      assert.deepEqual(Object.keys(assertInvalid(response)), ['new_due_date'])
    })

    it('answers a supplier’s malformed JSON with 400, not 500', async () => {
      const supplier = await newSupplier()
      const response = await as(supplier.user, {
        method: 'POST',
        url: '/api/anticipations/',
        headers: { 'content-type': 'application/json' },
        payload: '{"payment": ',
      })
      assert.equal(response.statusCode, 400, response.body)
    })
  })
})

describe('suppliers: links between users and companies', () => {
  it('names the supplier after its company (corporate_name, reg_number)', async () => {
    const user = await createUser(t)
    const company = await newCompany('Acme Comércio Ltda.')
    const response = await postSupplier(setup, { user: user.id, company: company.id })
    assert.equal(response.statusCode, 201, response.body)
    const supplier = response.json<Supplier>()
    assert.deepEqual(supplier, {
      id: supplier.id,
      user: user.id,
      company: company.id,
      corporate_name: 'Acme Comércio Ltda.',
      reg_number: company.registration,
    })
    const list = await as(setup, { method: 'GET', url: '/api/suppliers?page_size=100' })
    assert.deepEqual(
      list.json<Page<Supplier>>().results.find((item) => item.id === supplier.id),
      supplier,
    )
  })

  it('shows the supplier on their user’s profile (GET /api/auth/me)', async () => {
    const supplier = await newSupplier()
    const me = await as(supplier.user, { method: 'GET', url: '/api/auth/me' })
    assert.equal(me.json<{ supplier: number | null }>().supplier, supplier.id)
  })

  it('shows no supplier on the profile of a user who is not one', async () => {
    const operator = await signIn(t, ['operator'])
    const me = await as(operator, { method: 'GET', url: '/api/auth/me' })
    assert.equal(me.json<{ supplier: number | null }>().supplier, null)
  })

  it('lets a supplier’s user read their own company and its bank accounts', async () => {
    const supplier = await newSupplier()
    const company = await as(supplier.user, { method: 'GET', url: `/api/companies/${supplier.company}` })
    assert.equal(company.statusCode, 200, company.body)
    assert.equal(company.json<{ id: number }>().id, supplier.company)
    const accounts = await as(supplier.user, {
      method: 'GET',
      url: `/api/companies/${supplier.company}/bank-accounts`,
    })
    assert.equal(accounts.statusCode, 200, accounts.body)
    assert.equal(accounts.json<unknown[]>().length, 1)
  })

  it('answers a supplier’s user asking for another company with 404', async () => {
    const supplier = await newSupplier()
    const other = await newCompany()
    for (const url of [`/api/companies/${other.id}`, `/api/companies/${other.id}/bank-accounts`]) {
      assertProblem(await as(supplier.user, { method: 'GET', url }), 404, 'not_found')
    }
  })

  it('does not let a supplier’s user list or change companies (403)', async () => {
    const supplier = await newSupplier()
    assertProblem(await as(supplier.user, { method: 'GET', url: '/api/companies' }), 403, 'forbidden')
    assertProblem(
      await as(supplier.user, {
        method: 'PATCH',
        url: `/api/companies/${supplier.company}`,
        payload: { legal_name: 'Mine Now' },
      }),
      403,
      'forbidden',
    )
  })

  it('answers an unknown user with 400 on user', async () => {
    const company = await newCompany()
    const errors = assertInvalid(await postSupplier(setup, { user: UNKNOWN_ID, company: company.id }))
    assert.deepEqual(errors, { user: ['Unknown user.'] })
  })

  it('answers an unknown company with 400 on company', async () => {
    const user = await createUser(t)
    const errors = assertInvalid(await postSupplier(setup, { user: user.id, company: UNKNOWN_ID }))
    assert.deepEqual(errors, { company: ['Unknown company.'] })
  })

  it('answers an unknown user and company with 400 on both', async () => {
    const errors = assertInvalid(await postSupplier(setup, { user: UNKNOWN_ID, company: UNKNOWN_ID }))
    assert.deepEqual(Object.keys(errors).sort(), ['company', 'user'])
  })

  it('refuses unknown fields and missing ids (400)', async () => {
    assert.deepEqual(assertInvalid(await postSupplier(setup, {})), {
      user: ['This field is required.'],
      company: ['This field is required.'],
    })
    const user = await createUser(t)
    const company = await newCompany()
    const errors = assertInvalid(await postSupplier(setup, { user: user.id, company: company.id, name: 'X' }))
    assert.deepEqual(errors, { name: ['Unknown field.'] })
  })

  it('refuses the same user as a second supplier (409)', async () => {
    const supplier = await newSupplier()
    const company = await newCompany()
    assertProblem(
      await postSupplier(setup, { user: supplier.user.id, company: company.id }),
      409,
      'user_already_supplier',
    )
  })

  it('refuses the same company as a second supplier (409)', async () => {
    const supplier = await newSupplier()
    const user = await createUser(t)
    assertProblem(
      await postSupplier(setup, { user: user.id, company: supplier.company }),
      409,
      'company_already_supplier',
    )
  })

  it('refuses deleting a company that is a supplier (409 company_in_use), and keeps it', async () => {
    const supplier = await newSupplier()
    const url = `/api/companies/${supplier.company}`
    assertProblem(await as(setup, { method: 'DELETE', url }), 409, 'company_in_use')
    assert.equal((await as(setup, { method: 'GET', url })).statusCode, 200)
  })
})
