import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import { AppError } from '../../platform/errors.ts'
import type { Actor, Role } from '../../platform/http/actor.ts'
import type { CompaniesTables } from './companies.repository.ts'
import type { BankAccount, Company } from './companies.schemas.ts'
import { createCompaniesService } from './companies.service.ts'

type Caller = 'anonymous' | 'plain user' | 'approver' | 'operator' | 'admin'
type SignedInCaller = Exclude<Caller, 'anonymous'>

const CALLERS: Caller[] = ['anonymous', 'plain user', 'approver', 'operator', 'admin']
const ROLES_OF: Record<SignedInCaller, Role[]> = {
  'plain user': [],
  approver: ['approver'],
  operator: ['operator'],
  admin: ['admin'],
}
/** An id nothing has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647

const authenticated = (status: number): Record<Caller, number> => ({
  anonymous: 401,
  'plain user': status,
  approver: status,
  operator: status,
  admin: status,
})
const finance = (status: number): Record<Caller, number> => ({
  ...authenticated(status),
  'plain user': 403,
  approver: 403,
})
const adminOnly = (status: number): Record<Caller, number> => ({ ...finance(status), operator: 403 })

/** What a refusal says, by status: who is asking is checked before anything else. */
const REFUSAL_CODE: Record<number, string> = { 401: 'not_authenticated', 403: 'forbidden' }

const IBAN_ACCOUNT = { holder_name: 'Acme GmbH', iban: 'DE89370400440532013000', currency: 'EUR' }

function describeCaller(caller: Caller): string {
  if (caller === 'anonymous') return 'an anonymous caller'
  return /^[aeiou]/.test(caller) ? `an ${caller}` : `a ${caller}`
}

function newCompany(): Record<string, unknown> {
  return {
    legal_name: 'Acme Comércio Ltda.',
    registration_number: String(randomInt(10_000_000_000_000, 100_000_000_000_000)),
    email: 'finance@acme.com.br',
  }
}

interface RouteRule {
  route: string
  expected: Record<Caller, number>
  /** Sends a request that is right in every respect but, perhaps, who sends it. */
  send(caller: SignedInUser | undefined): Promise<LightMyRequestResponse>
}

describe('who may call each companies route', () => {
  let t: TestApp
  /** Sets up the companies and accounts the requests under test are about. */
  let setup: SignedInUser
  before(async () => {
    t = await buildTestApp()
    setup = await signIn(t, ['admin'])
  })
  after(() => t.close())

  function as(caller: SignedInUser | undefined, request: InjectOptions) {
    return t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
  }

  async function signInAs(caller: Caller): Promise<SignedInUser | undefined> {
    return caller === 'anonymous' ? undefined : signIn(t, ROLES_OF[caller])
  }

  async function aCompany(): Promise<Company> {
    const response = await as(setup, { method: 'POST', url: '/api/companies', payload: newCompany() })
    assert.equal(response.statusCode, 201, response.body)
    return response.json<Company>()
  }

  async function anAccount(): Promise<{ company: Company; account: BankAccount }> {
    const company = await aCompany()
    const response = await as(setup, {
      method: 'POST',
      url: `/api/companies/${company.id}/bank-accounts`,
      payload: IBAN_ACCOUNT,
    })
    assert.equal(response.statusCode, 201, response.body)
    return { company, account: response.json<BankAccount>() }
  }

  const rules: RouteRule[] = [
    {
      route: 'GET /api/companies',
      expected: finance(200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/companies' }),
    },
    {
      route: 'POST /api/companies',
      expected: finance(201),
      send: (caller) => as(caller, { method: 'POST', url: '/api/companies', payload: newCompany() }),
    },
    {
      route: 'GET /api/companies/{id}',
      expected: finance(200),
      send: async (caller) => as(caller, { method: 'GET', url: `/api/companies/${(await aCompany()).id}` }),
    },
    {
      route: 'PATCH /api/companies/{id}',
      expected: finance(200),
      send: async (caller) =>
        as(caller, {
          method: 'PATCH',
          url: `/api/companies/${(await aCompany()).id}`,
          payload: { trade_name: 'Acme' },
        }),
    },
    {
      route: 'DELETE /api/companies/{id}',
      expected: adminOnly(204),
      send: async (caller) =>
        as(caller, { method: 'DELETE', url: `/api/companies/${(await aCompany()).id}` }),
    },
    {
      route: 'GET /api/banks',
      expected: authenticated(200),
      send: (caller) => as(caller, { method: 'GET', url: '/api/banks' }),
    },
    {
      route: 'GET /api/companies/{id}/bank-accounts',
      expected: finance(200),
      send: async (caller) =>
        as(caller, { method: 'GET', url: `/api/companies/${(await aCompany()).id}/bank-accounts` }),
    },
    {
      route: 'POST /api/companies/{id}/bank-accounts',
      expected: finance(201),
      send: async (caller) =>
        as(caller, {
          method: 'POST',
          url: `/api/companies/${(await aCompany()).id}/bank-accounts`,
          payload: IBAN_ACCOUNT,
        }),
    },
    {
      route: 'PATCH /api/companies/{id}/bank-accounts/{account_id}',
      expected: finance(200),
      send: async (caller) => {
        const { company, account } = await anAccount()
        return as(caller, {
          method: 'PATCH',
          url: `/api/companies/${company.id}/bank-accounts/${account.id}`,
          payload: { is_default: true },
        })
      },
    },
    {
      route: 'DELETE /api/companies/{id}/bank-accounts/{account_id}',
      expected: finance(204),
      send: async (caller) => {
        const { company, account } = await anAccount()
        return as(caller, {
          method: 'DELETE',
          url: `/api/companies/${company.id}/bank-accounts/${account.id}`,
        })
      },
    },
  ]

  for (const rule of rules) {
    describe(rule.route, () => {
      for (const caller of CALLERS) {
        const status = rule.expected[caller]
        it(`answers ${describeCaller(caller)} with ${status}`, async () => {
          const response = await rule.send(await signInAs(caller))
          const refusal = REFUSAL_CODE[status]
          if (refusal === undefined) assert.equal(response.statusCode, status, response.body)
          else assertProblem(response, status, refusal)
        })
      }
    })
  }

  it('does not let an operator delete a company: it is still there', async () => {
    const operator = await signIn(t, ['operator'])
    const company = await aCompany()
    assertProblem(
      await as(operator, { method: 'DELETE', url: `/api/companies/${company.id}` }),
      403,
      'forbidden',
    )
    assert.equal((await as(operator, { method: 'GET', url: `/api/companies/${company.id}` })).statusCode, 200)
  })

  describe('order of checks: 401, then 403, then 404, then 400/409', () => {
    const unknownAccount = `/api/companies/${UNKNOWN_ID}/bank-accounts/${UNKNOWN_ID}`
    const requestsWithEverythingWrong: { route: string; request: InjectOptions }[] = [
      { route: 'GET /api/companies', request: { method: 'GET', url: '/api/companies?page_size=101' } },
      {
        route: 'POST /api/companies',
        request: { method: 'POST', url: '/api/companies', payload: { registration_number: 'x', cnpj: 1 } },
      },
      {
        route: 'POST /api/companies (malformed JSON)',
        request: {
          method: 'POST',
          url: '/api/companies',
          headers: { 'content-type': 'application/json' },
          payload: '{"legal_name": ',
        },
      },
      { route: 'GET /api/companies/{id}', request: { method: 'GET', url: `/api/companies/${UNKNOWN_ID}` } },
      {
        route: 'GET /api/companies/{id} (malformed id)',
        request: { method: 'GET', url: '/api/companies/abc' },
      },
      {
        route: 'PATCH /api/companies/{id}',
        request: {
          method: 'PATCH',
          url: `/api/companies/${UNKNOWN_ID}`,
          payload: { phone: 'x', unknown: 1 },
        },
      },
      {
        route: 'PATCH /api/companies/{id} (malformed id)',
        request: { method: 'PATCH', url: '/api/companies/abc', payload: { phone: 'x' } },
      },
      {
        route: 'DELETE /api/companies/{id}',
        request: { method: 'DELETE', url: `/api/companies/${UNKNOWN_ID}` },
      },
      {
        route: 'DELETE /api/companies/{id} (malformed id)',
        request: { method: 'DELETE', url: '/api/companies/abc' },
      },
      {
        route: 'GET /api/companies/{id}/bank-accounts',
        request: { method: 'GET', url: `/api/companies/${UNKNOWN_ID}/bank-accounts` },
      },
      {
        route: 'GET /api/companies/{id}/bank-accounts (malformed id)',
        request: { method: 'GET', url: '/api/companies/abc/bank-accounts' },
      },
      {
        route: 'POST /api/companies/{id}/bank-accounts',
        request: {
          method: 'POST',
          url: `/api/companies/${UNKNOWN_ID}/bank-accounts`,
          payload: { iban: 'x' },
        },
      },
      {
        route: 'PATCH /api/companies/{id}/bank-accounts/{account_id}',
        request: { method: 'PATCH', url: unknownAccount, payload: { iban: 'x' } },
      },
      {
        route: 'DELETE /api/companies/{id}/bank-accounts/{account_id}',
        request: { method: 'DELETE', url: unknownAccount },
      },
    ]

    for (const { route, request } of requestsWithEverythingWrong) {
      it(`answers an anonymous caller of ${route} with 401 before looking at the request`, async () => {
        assertProblem(await t.app.inject(request), 401, 'not_authenticated')
      })
    }

    it('answers an anonymous caller of GET /api/banks with 401', async () => {
      assertProblem(await t.app.inject({ method: 'GET', url: '/api/banks' }), 401, 'not_authenticated')
    })

    for (const caller of ['plain user', 'approver'] as const) {
      for (const { route, request } of requestsWithEverythingWrong) {
        it(`answers ${describeCaller(caller)} calling ${route} with 403 before looking at the request`, async () => {
          assertProblem(await as(await signInAs(caller), request), 403, 'forbidden')
        })
      }
    }

    for (const { route, request } of requestsWithEverythingWrong.filter((item) =>
      /^DELETE \/api\/companies\/\{id\}( \(|$)/.test(item.route),
    )) {
      it(`answers an operator calling ${route} with 403 before looking at the request`, async () => {
        assertProblem(await as(await signInAs('operator'), request), 403, 'forbidden')
      })
    }

    const missingWithInvalidBody: { route: string; request: () => Promise<InjectOptions> }[] = [
      {
        route: 'PATCH /api/companies/{id}',
        request: async () => ({
          method: 'PATCH',
          url: `/api/companies/${UNKNOWN_ID}`,
          payload: { phone: 'x', unknown: 1 },
        }),
      },
      {
        route: 'POST /api/companies/{id}/bank-accounts',
        request: async () => ({
          method: 'POST',
          url: `/api/companies/${UNKNOWN_ID}/bank-accounts`,
          payload: { iban: 'x' },
        }),
      },
      {
        route: 'PATCH /api/companies/{id}/bank-accounts/{account_id} (missing company)',
        request: async () => ({ method: 'PATCH', url: unknownAccount, payload: { iban: 'x' } }),
      },
      {
        route: 'PATCH /api/companies/{id}/bank-accounts/{account_id} (missing account)',
        request: async () => ({
          method: 'PATCH',
          url: `/api/companies/${(await aCompany()).id}/bank-accounts/${UNKNOWN_ID}`,
          payload: { iban: 'x' },
        }),
      },
      {
        route: 'PATCH /api/companies/{id}/bank-accounts/{account_id} (another company’s account)',
        request: async () => {
          const { account } = await anAccount()
          return {
            method: 'PATCH',
            url: `/api/companies/${(await aCompany()).id}/bank-accounts/${account.id}`,
            payload: { iban: 'x' },
          }
        },
      },
    ]

    for (const caller of ['operator', 'admin'] as const) {
      for (const { route, request } of missingWithInvalidBody) {
        it(`answers ${describeCaller(caller)} calling ${route} with 404 before looking at the body`, async () => {
          assertProblem(await as(await signInAs(caller), await request()), 404, 'not_found')
        })
      }
    }

    it('answers an invalid change of an existing company with 400 before the conflict (409)', async () => {
      const other = await aCompany()
      const company = await aCompany()
      const request = (payload: object): InjectOptions => ({
        method: 'PATCH',
        url: `/api/companies/${company.id}`,
        payload,
      })
      assertProblem(
        await as(setup, request({ registration_number: other.registration_number, declared_billing: -1 })),
        400,
        'validation_failed',
      )
      assertProblem(
        await as(setup, request({ registration_number: other.registration_number })),
        409,
        'registration_number_taken',
      )
    })

    it('answers an invalid duplicate account with 400 before the conflict (409)', async () => {
      const { company } = await anAccount()
      const request = (payload: object): InjectOptions => ({
        method: 'POST',
        url: `/api/companies/${company.id}/bank-accounts`,
        payload,
      })
      assertProblem(await as(setup, request({ ...IBAN_ACCOUNT, currency: 'XYZ' })), 400, 'validation_failed')
      assertProblem(await as(setup, request(IBAN_ACCOUNT)), 409, 'bank_account_exists')
    })
  })

  describe('a supplier’s user, once supplier payments links users to companies', () => {
    const SUPPLIER_USER: Actor = { userId: 7, roles: [], sessionId: 'session' }
    const PLAIN_USER: Actor = { userId: 8, roles: [], sessionId: 'session' }
    const OPERATOR: Actor = { userId: 9, roles: ['operator'], sessionId: 'session' }

    /** The service as it will run once supplier payments says which company user 7 acts for. */
    async function withSupplierUser() {
      const { company } = await anAccount()
      const other = await aCompany()
      const db = t.platform.db.$extendTables<CompaniesTables>()
      const companies = createCompaniesService(db, t.clock, t.platform.audit, {
        companyOfUser: async (userId) => (userId === SUPPLIER_USER.userId ? company.id : undefined),
      })
      return { companies, own: await companies.getCompany(OPERATOR, company.id), other }
    }

    const isNotFound = (error: unknown) => error instanceof AppError && error.kind === 'not_found'
    const isForbidden = (error: unknown) => error instanceof AppError && error.kind === 'forbidden'

    it('reads their own company with its bank accounts', async () => {
      const { companies, own } = await withSupplierUser()
      assert.deepEqual(await companies.getCompany(SUPPLIER_USER, own.id), own)
    })

    it('reads their own company’s bank accounts', async () => {
      const { companies, own } = await withSupplierUser()
      assert.deepEqual(await companies.listBankAccounts(SUPPLIER_USER, own.id), own.bank_accounts)
    })

    it('gets not_found (404) for another company, as if it did not exist', async () => {
      const { companies, other } = await withSupplierUser()
      await assert.rejects(companies.getCompany(SUPPLIER_USER, other.id), isNotFound)
      await assert.rejects(companies.listBankAccounts(SUPPLIER_USER, other.id), isNotFound)
    })

    it('leaves a user linked to no company forbidden (403)', async () => {
      const { companies, own } = await withSupplierUser()
      await assert.rejects(companies.getCompany(PLAIN_USER, own.id), isForbidden)
      await assert.rejects(companies.listBankAccounts(PLAIN_USER, own.id), isForbidden)
    })

    it('lets the routes’ first check pass a linked user and refuse an unlinked one', async () => {
      const { companies } = await withSupplierUser()
      await companies.assertMayReadCompanies(SUPPLIER_USER)
      await assert.rejects(companies.assertMayReadCompanies(PLAIN_USER), isForbidden)
    })

    it('does not change what an operator reads', async () => {
      const { companies, other } = await withSupplierUser()
      assert.equal((await companies.getCompany(OPERATOR, other.id)).id, other.id)
    })
  })
})
