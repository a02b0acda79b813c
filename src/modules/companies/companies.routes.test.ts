import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { Page } from '../../platform/http/pagination.ts'
import type { Company, CompanySummary } from './companies.schemas.ts'

const COMPANY_FIELDS = [
  'billing_address',
  'billing_email',
  'created_at',
  'declared_billing',
  'email',
  'id',
  'legal_name',
  'phone',
  'registration_number',
  'trade_name',
  'updated_at',
  'website',
]
/** An id no company has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647
const NOW = '2026-03-02T12:00:00.000Z'
const WEBSITE_ERROR = 'Enter a web address starting with http:// or https://.'

const ADDRESS = {
  line1: 'Av. Paulista, 1000',
  line2: 'Sala 101',
  city: 'São Paulo',
  region: 'SP',
  postal_code: '01310-100',
  country: 'BR',
}
const IBAN_ACCOUNT = { holder_name: 'Acme GmbH', iban: 'DE89370400440532013000', currency: 'EUR' }
const DOMESTIC_ACCOUNT = {
  holder_name: 'Acme Comércio Ltda.',
  bank_code: '341',
  branch: '0001',
  account_number: '12345-6',
  currency: 'BRL',
  country: 'BR',
}

/** A word no other company in this file has, to find the companies of one test by search. */
function marker(): string {
  return `m${randomBytes(4).toString('hex')}`
}

/** A 14-digit registration number no other company in this file has. */
function registrationNumber(): string {
  return String(randomInt(10_000_000_000_000, 100_000_000_000_000))
}

/**
 * Asserts a 400 that names `field` (with `message`, when given). A nullable field may carry extra
 * messages from the null alternative; the one that explains the problem is the one checked.
 */
function assertFieldError(response: LightMyRequestResponse, field: string, message?: string): void {
  const errors = assertInvalid(response)
  const messages = errors[field]
  assert.ok(messages, `expected an error on ${field}, got ${JSON.stringify(errors)}`)
  if (message !== undefined) assert.ok(messages.includes(message), `${field}: ${JSON.stringify(messages)}`)
}

function newCompany(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    legal_name: `Acme ${marker()} Comércio Ltda.`,
    registration_number: registrationNumber(),
    email: 'finance@acme.com.br',
    ...fields,
  }
}

describe('companies', () => {
  let t: TestApp
  let admin: SignedInUser
  let operator: SignedInUser
  before(async () => {
    t = await buildTestApp()
    admin = await signIn(t, ['admin'])
    operator = await signIn(t, ['operator'])
  })
  after(() => t.close())

  function create(payload: object) {
    return t.app.inject({ method: 'POST', url: '/api/companies', headers: operator.headers, payload })
  }

  async function created(fields: Record<string, unknown> = {}): Promise<Company> {
    const response = await create(newCompany(fields))
    assert.equal(response.statusCode, 201, response.body)
    return response.json<Company>()
  }

  function get(id: number) {
    return t.app.inject({ method: 'GET', url: `/api/companies/${id}`, headers: operator.headers })
  }

  async function current(id: number): Promise<Company> {
    const response = await get(id)
    assert.equal(response.statusCode, 200, response.body)
    return response.json<Company>()
  }

  function patch(id: number, payload: object) {
    return t.app.inject({ method: 'PATCH', url: `/api/companies/${id}`, headers: operator.headers, payload })
  }

  function remove(id: number) {
    return t.app.inject({ method: 'DELETE', url: `/api/companies/${id}`, headers: admin.headers })
  }

  async function list(query = ''): Promise<Page<CompanySummary>> {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/companies${query}`,
      headers: operator.headers,
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json<Page<CompanySummary>>()
  }

  async function search(text: string): Promise<CompanySummary[]> {
    return (await list(`?search=${encodeURIComponent(text)}&page_size=100`)).results
  }

  const ids = (companies: { id: number }[]) => companies.map((company) => company.id)

  describe('POST /api/companies', () => {
    it('creates a company and answers 201 with every field and no bank accounts', async () => {
      const input = newCompany({
        trade_name: 'Acme',
        phone: '+551130001000',
        website: 'https://acme.com.br',
        declared_billing: '1500000.00',
        billing_email: 'billing@acme.com.br',
        billing_address: ADDRESS,
      })
      const response = await create(input)
      assert.equal(response.statusCode, 201, response.body)
      const company = response.json<Company>()
      assert.deepEqual(Object.keys(company).sort(), [...COMPANY_FIELDS, 'bank_accounts'].sort())
      assert.ok(Number.isInteger(company.id))
      const { id: _id, ...rest } = company
      assert.deepEqual(rest, {
        ...input,
        billing_address: ADDRESS,
        bank_accounts: [],
        created_at: NOW,
        updated_at: NOW,
      })
    })

    it('leaves the optional fields null when they are not given', async () => {
      const company = await created()
      for (const field of ['trade_name', 'phone', 'website', 'declared_billing', 'billing_email'] as const) {
        assert.equal(company[field], null, field)
      }
      assert.equal(company.billing_address, null)
    })

    it('trims the names', async () => {
      const company = await created({ legal_name: '  Acme Ltda.  ', trade_name: ' Acme ' })
      assert.equal(company.legal_name, 'Acme Ltda.')
      assert.equal(company.trade_name, 'Acme')
    })

    it('requires legal_name, registration_number and email', async () => {
      assert.deepEqual(assertInvalid(await create({})), {
        legal_name: ['This field is required.'],
        registration_number: ['This field is required.'],
        email: ['This field is required.'],
      })
    })

    it('refuses a blank legal name', async () => {
      const errors = assertInvalid(await create(newCompany({ legal_name: '   ' })))
      assert.deepEqual(Object.keys(errors), ['legal_name'])
    })

    it('refuses a body that is not valid JSON with 400 malformed_json', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/companies',
        headers: { ...operator.headers, 'content-type': 'application/json' },
        payload: '{"legal_name": "Acme",',
      })
      assertProblem(response, 400, 'malformed_json')
    })

    describe('registration_number', () => {
      for (const accepted of ['12345678', '12345678901234']) {
        it(`accepts ${accepted.length} digits`, async () => {
          const number = accepted.slice(0, -4) + String(randomInt(1000, 10000))
          const company = await created({ registration_number: number })
          assert.equal(company.registration_number, number)
        })
      }

      for (const refused of [
        '1234567',
        '123456789012345',
        '11.222.333/0001-81',
        '1122233300018a',
        ' 12345678',
      ]) {
        it(`refuses ${JSON.stringify(refused)}: digits only, 8 to 14 of them`, async () => {
          const errors = assertInvalid(await create(newCompany({ registration_number: refused })))
          assert.deepEqual(errors, {
            registration_number: ['Enter 8 to 14 digits, without dots, slashes or dashes.'],
          })
        })
      }

      it('refuses a number sent as a JSON number', async () => {
        const errors = assertInvalid(await create(newCompany({ registration_number: 11222333000181 })))
        assert.deepEqual(Object.keys(errors), ['registration_number'])
      })

      it('answers 409 registration_number_taken when another company has the number', async () => {
        const first = await created()
        const response = await create(newCompany({ registration_number: first.registration_number }))
        assertProblem(response, 409, 'registration_number_taken')
        assert.deepEqual(ids(await search(first.registration_number)), [first.id])
      })
    })

    describe('declared_billing', () => {
      const cases: [string, unknown, string][] = [
        ['a number', 1234.5, '1234.50'],
        ['a string', '1234.5', '1234.50'],
        ['a whole number', 1500000, '1500000.00'],
        ['a string with two decimals', '0.01', '0.01'],
        ['zero', 0, '0.00'],
        ['the largest amount', '9999999999999.99', '9999999999999.99'],
      ]
      for (const [what, sent, stored] of cases) {
        it(`accepts ${what} (${JSON.stringify(sent)}) and returns it as ${JSON.stringify(stored)}`, async () => {
          const company = await created({ declared_billing: sent })
          assert.equal(company.declared_billing, stored)
          assert.equal((await current(company.id)).declared_billing, stored)
        })
      }

      const refused: [string, unknown][] = [
        ['a negative number', -1],
        ['a negative string', '-0.01'],
        ['three decimals', '1234.567'],
        ['a number with three decimals', 1.005],
        ['a number in exponent notation', 1e21],
        ['a string in exponent notation', '1e3'],
        ['a comma as decimal separator', '1234,50'],
        ['text', 'a lot'],
        ['an amount too large for the column', '10000000000000.00'],
      ]
      for (const [what, sent] of refused) {
        it(`refuses ${what} (${JSON.stringify(sent)}) with 400 on declared_billing`, async () => {
          const errors = assertInvalid(await create(newCompany({ declared_billing: sent })))
          assert.deepEqual(Object.keys(errors), ['declared_billing'])
        })
      }

      it('says why a negative amount is refused', async () => {
        const errors = assertInvalid(await create(newCompany({ declared_billing: '-5' })))
        assert.deepEqual(errors.declared_billing, ['Ensure this value is greater than or equal to 0.'])
      })

      it('refuses a value that is neither a number nor a string', async () => {
        const errors = assertInvalid(await create(newCompany({ declared_billing: true })))
        assert.deepEqual(Object.keys(errors), ['declared_billing'])
      })
    })

    describe('contact formats', () => {
      const accepted: [string, string][] = [
        ['phone', '+551130001000'],
        ['phone', '1130001000'],
        ['website', 'https://acme.com.br/contato'],
        ['email', 'ana.souza@acme.com.br'],
        ['billing_email', 'billing@acme.com.br'],
      ]
      for (const [field, value] of accepted) {
        it(`accepts ${field} ${JSON.stringify(value)}`, async () => {
          const company = await created({ [field]: value })
          assert.equal(company[field as keyof Company], value)
        })
      }

      const refused: [string, string, string][] = [
        ['phone', '1234567', 'Enter a phone number of 8 to 15 digits, optionally starting with +.'],
        ['phone', '+55 11 3000-1000', 'Enter a phone number of 8 to 15 digits, optionally starting with +.'],
        ['phone', '+1234567890123456', 'Enter a phone number of 8 to 15 digits, optionally starting with +.'],
        ['website', 'acme.com.br', WEBSITE_ERROR],
        ['website', 'not a url', WEBSITE_ERROR],
        ['website', 'javascript:alert(1)', WEBSITE_ERROR],
        ['website', 'ftp://acme.com.br', WEBSITE_ERROR],
        ['email', 'finance-at-acme.com.br', 'Enter a valid email address.'],
        ['billing_email', 'billing@', 'Enter a valid email address.'],
      ]
      for (const [field, value, message] of refused) {
        it(`refuses ${field} ${JSON.stringify(value)}`, async () => {
          assertFieldError(await create(newCompany({ [field]: value })), field, message)
        })
      }
    })

    describe('billing_address', () => {
      it('is stored whole, with line2 and region optional', async () => {
        const { line2: _line2, region: _region, ...required } = ADDRESS
        const company = await created({ billing_address: required })
        assert.deepEqual(company.billing_address, { ...required, line2: null, region: null })
      })

      it('may be null', async () => {
        const company = await created({ billing_address: null })
        assert.equal(company.billing_address, null)
      })

      it('refuses an address without a city, naming billing_address.city', async () => {
        const { city: _city, ...withoutCity } = ADDRESS
        const response = await create(newCompany({ billing_address: withoutCity }))
        assertFieldError(response, 'billing_address.city', 'This field is required.')
      })

      it('refuses a blank line1', async () => {
        const response = await create(newCompany({ billing_address: { ...ADDRESS, line1: ' ' } }))
        assertFieldError(response, 'billing_address.line1', 'This field may not be blank.')
      })

      for (const country of ['XX', 'br', 'BRA', 'ZZ']) {
        it(`refuses country ${JSON.stringify(country)}: ISO 3166-1 alpha-2 only`, async () => {
          const response = await create(newCompany({ billing_address: { ...ADDRESS, country } }))
          assertFieldError(response, 'billing_address.country')
        })
      }

      it('refuses an address that is not an object', async () => {
        const response = await create(newCompany({ billing_address: 'Av. Paulista, 1000' }))
        assertFieldError(response, 'billing_address', 'Expected an object.')
      })
    })

    describe('unknown fields, wrong types and overlong strings', () => {
      it('refuses an unknown field at the top level', async () => {
        assert.deepEqual(assertInvalid(await create(newCompany({ cnpj: '11222333000181' }))), {
          cnpj: ['Unknown field.'],
        })
      })

      it('refuses an unknown field inside billing_address', async () => {
        const response = await create(newCompany({ billing_address: { ...ADDRESS, zip: '1' } }))
        assertFieldError(response, 'billing_address.zip', 'Unknown field.')
      })

      it('refuses an unknown field inside a bank account', async () => {
        const errors = assertInvalid(
          await create(newCompany({ bank_accounts: [{ ...IBAN_ACCOUNT, swift: 'DEUTDEFF' }] })),
        )
        assert.deepEqual(errors, { 'bank_accounts.0.swift': ['Unknown field.'] })
      })

      const wrongTypes: [string, unknown, string][] = [
        ['legal_name', 42, 'Not a valid string.'],
        ['trade_name', ['Acme'], 'Not a valid string.'],
        ['email', true, 'Not a valid string.'],
        ['billing_address', [], 'Expected an object.'],
        ['bank_accounts', {}, 'Expected a list of items.'],
      ]
      for (const [field, value, message] of wrongTypes) {
        it(`refuses ${field} sent as ${JSON.stringify(value)}`, async () => {
          assertFieldError(await create(newCompany({ [field]: value })), field, message)
        })
      }

      it('names every field of the wrong type at once', async () => {
        const errors = assertInvalid(
          await create(newCompany({ legal_name: 42, email: 42, bank_accounts: {} })),
        )
        assert.deepEqual(Object.keys(errors).sort(), ['bank_accounts', 'email', 'legal_name'])
      })

      const limits: [string, number][] = [
        ['legal_name', 200],
        ['trade_name', 200],
      ]
      for (const [field, limit] of limits) {
        it(`refuses a ${field} longer than ${limit} characters`, async () => {
          const response = await create(newCompany({ [field]: 'a'.repeat(limit + 1) }))
          assertFieldError(response, field, `Ensure this field has no more than ${limit} characters.`)
        })
      }

      it('refuses an overlong line of the billing address', async () => {
        const response = await create(newCompany({ billing_address: { ...ADDRESS, line1: 'a'.repeat(201) } }))
        assertFieldError(
          response,
          'billing_address.line1',
          'Ensure this field has no more than 200 characters.',
        )
      })
    })

    describe('with bank accounts', () => {
      it('creates the company and its accounts together', async () => {
        const company = await created({ bank_accounts: [IBAN_ACCOUNT, DOMESTIC_ACCOUNT] })
        assert.deepEqual(
          company.bank_accounts.map((account) => [account.iban, account.account_number, account.currency]),
          [
            ['DE89370400440532013000', null, 'EUR'],
            [null, '12345-6', 'BRL'],
          ],
        )
        assert.deepEqual((await current(company.id)).bank_accounts, company.bank_accounts)
      })

      it('refuses the whole company when one account is invalid, naming bank_accounts.N.field', async () => {
        const input = newCompany({
          bank_accounts: [IBAN_ACCOUNT, { ...IBAN_ACCOUNT, iban: 'GB82WEST12345698765431' }],
        })
        const errors = assertInvalid(await create(input))
        assert.deepEqual(Object.keys(errors), ['bank_accounts.1.iban'])
        assert.deepEqual(await search(String(input.registration_number)), [])
      })

      it('refuses the whole company when an account names an unknown bank', async () => {
        const input = newCompany({ bank_accounts: [{ ...DOMESTIC_ACCOUNT, bank_code: '999' }] })
        assert.deepEqual(assertInvalid(await create(input)), {
          'bank_accounts.0.bank_code': ['Unknown bank code 999; see /api/banks.'],
        })
        assert.deepEqual(await search(String(input.registration_number)), [])
      })

      it('writes nothing when the database refuses an account after the company row was inserted', async () => {
        const input = newCompany({ bank_accounts: [DOMESTIC_ACCOUNT, DOMESTIC_ACCOUNT] })
        assertProblem(await create(input), 409, 'bank_account_exists')
        assert.deepEqual(await search(String(input.registration_number)), [])
        const retried = await create(newCompany({ registration_number: input.registration_number }))
        assert.equal(retried.statusCode, 201, retried.body)
      })

      it('refuses more than 20 accounts', async () => {
        const accounts = Array.from({ length: 21 }, (_, index) => ({
          ...DOMESTIC_ACCOUNT,
          account_number: String(index + 1),
        }))
        assertFieldError(
          await create(newCompany({ bank_accounts: accounts })),
          'bank_accounts',
          'Ensure this list has no more than 20 items.',
        )
      })

      it('refuses two defaults for one currency', async () => {
        const input = newCompany({
          bank_accounts: [
            { ...IBAN_ACCOUNT, is_default: true },
            { ...IBAN_ACCOUNT, iban: 'FR1420041010050500013M02606', is_default: true },
          ],
        })
        assert.deepEqual(assertInvalid(await create(input)), {
          'bank_accounts.1.is_default': ['Only one account can be the default for EUR.'],
        })
      })
    })
  })

  describe('GET /api/companies', () => {
    it('lists companies without their bank accounts', async () => {
      const company = await created({ bank_accounts: [IBAN_ACCOUNT] })
      const [listed] = await search(company.registration_number)
      assert.deepEqual(Object.keys(listed!).sort(), COMPANY_FIELDS)
      const { bank_accounts: _accounts, ...summary } = company
      assert.deepEqual(listed, summary)
    })

    it('finds a company by its legal name, case-insensitively', async () => {
      const word = marker()
      const company = await created({ legal_name: `Padaria ${word} Ltda.` })
      assert.deepEqual(ids(await search(`PADARIA ${word.toUpperCase()}`)), [company.id])
    })

    it('finds a company by its trade name, case-insensitively', async () => {
      const word = marker()
      const company = await created({ trade_name: `Pão ${word}` })
      assert.deepEqual(ids(await search(word.toUpperCase())), [company.id])
    })

    it('finds a company by its whole registration number', async () => {
      const company = await created()
      assert.deepEqual(ids(await search(company.registration_number)), [company.id])
    })

    it('finds a company by a part of its registration number', async () => {
      const company = await created()
      assert.deepEqual(ids(await search(company.registration_number.slice(3, 11))), [company.id])
    })

    it('takes % in a search as a literal character, not a wildcard', async () => {
      const word = marker()
      const percent = await created({ legal_name: `${word} 100% Orgânico` })
      await created({ legal_name: `${word} 1000 Orgânico` })
      assert.deepEqual(ids(await search(`${word} 100%`)), [percent.id])
    })

    it('takes \\ in a search as a literal character, not an escape', async () => {
      const word = marker()
      const backslash = await created({ legal_name: `${word} C:\\Acme` })
      await created({ legal_name: `${word} C:Acme` })
      assert.deepEqual(ids(await search(`${word} c:\\a`)), [backslash.id])
    })

    it('takes _ in a search as a literal character, not a wildcard', async () => {
      const word = marker()
      const underscore = await created({ legal_name: `${word} a_b` })
      await created({ legal_name: `${word} axb` })
      assert.deepEqual(ids(await search(`${word} a_b`)), [underscore.id])
    })

    it('takes an empty ?search= as no filter', async () => {
      await created()
      const all = await list()
      assert.ok(all.count > 1)
      const unfiltered = await list('?search=')
      assert.deepEqual(
        { count: unfiltered.count, results: unfiltered.results },
        { count: all.count, results: all.results },
      )
    })

    it('orders companies by legal name, then by id', async () => {
      const word = marker()
      const b = await created({ legal_name: `${word} B` })
      const firstA = await created({ legal_name: `${word} A` })
      const c = await created({ legal_name: `${word} C` })
      const secondA = await created({ legal_name: `${word} A` })
      assert.deepEqual(ids(await search(word)), [firstA.id, secondA.id, b.id, c.id])
    })

    it('pages the results with the total and links to the neighbouring pages', async () => {
      const word = marker()
      const companies = [await created({ legal_name: `${word} 1` })]
      companies.push(await created({ legal_name: `${word} 2` }), await created({ legal_name: `${word} 3` }))
      const first = await list(`?search=${word}&page_size=2`)
      assert.deepEqual(
        { count: first.count, next: first.next, previous: first.previous, ids: ids(first.results) },
        {
          count: 3,
          next: `http://bureau.test/api/companies?search=${word}&page_size=2&page=2`,
          previous: null,
          ids: ids(companies.slice(0, 2)),
        },
      )
      const second = await list(`?search=${word}&page_size=2&page=2`)
      assert.deepEqual(
        { count: second.count, next: second.next, previous: second.previous, ids: ids(second.results) },
        {
          count: 3,
          next: null,
          previous: `http://bureau.test/api/companies?search=${word}&page_size=2`,
          ids: ids(companies.slice(2)),
        },
      )
    })

    it('answers an empty first page when nothing matches', async () => {
      assert.deepEqual(await list(`?search=${marker()}`), {
        count: 0,
        next: null,
        previous: null,
        results: [],
      })
    })

    it('answers a page past the end with 404', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/companies?search=${marker()}&page=2`,
        headers: operator.headers,
      })
      assertProblem(response, 404, 'page_not_found')
    })

    it('refuses a search longer than 100 characters', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/companies?search=${'a'.repeat(101)}`,
        headers: operator.headers,
      })
      assert.deepEqual(Object.keys(assertInvalid(response)), ['search'])
    })
  })

  describe('GET /api/companies/{id}', () => {
    it('answers the company with its bank accounts', async () => {
      const company = await created({ billing_address: ADDRESS, bank_accounts: [DOMESTIC_ACCOUNT] })
      assert.deepEqual(await current(company.id), company)
      assert.equal(company.bank_accounts.length, 1)
    })

    it('answers a missing company with 404', async () => {
      assertProblem(await get(UNKNOWN_ID), 404, 'not_found')
    })
  })

  describe('PATCH /api/companies/{id}', () => {
    it('changes only the fields sent', async () => {
      const company = await created({ trade_name: 'Acme', phone: '+551130001000', billing_address: ADDRESS })
      t.clock.advance(60_000)
      const response = await patch(company.id, { trade_name: 'Acme Foods', declared_billing: 10.5 })
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<Company>(), {
        ...company,
        trade_name: 'Acme Foods',
        declared_billing: '10.50',
        updated_at: t.clock.now().toISOString(),
      })
    })

    it('changes the required fields too', async () => {
      const company = await created()
      const changes = {
        legal_name: 'Acme Renamed Ltda.',
        registration_number: registrationNumber(),
        email: 'new@acme.com.br',
      }
      const response = await patch(company.id, changes)
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(await current(company.id), {
        ...company,
        ...changes,
        updated_at: t.clock.now().toISOString(),
      })
    })

    it('clears the optional fields sent as null', async () => {
      const company = await created({
        trade_name: 'Acme',
        phone: '+551130001000',
        website: 'https://acme.com.br',
        declared_billing: '100.00',
        billing_email: 'billing@acme.com.br',
        billing_address: ADDRESS,
      })
      const cleared = {
        trade_name: null,
        phone: null,
        website: null,
        declared_billing: null,
        billing_email: null,
        billing_address: null,
      }
      assert.equal((await patch(company.id, cleared)).statusCode, 200)
      assert.deepEqual(await current(company.id), {
        ...company,
        ...cleared,
        updated_at: t.clock.now().toISOString(),
      })
    })

    it('replaces the billing address as a whole', async () => {
      const company = await created({ billing_address: ADDRESS })
      const address = { line1: 'Rua Augusta, 5', city: 'São Paulo', postal_code: '01305-000', country: 'BR' }
      const response = await patch(company.id, { billing_address: address })
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<Company>().billing_address, { ...address, line2: null, region: null })
    })

    it('never touches the existing bank accounts', async () => {
      const company = await created({
        bank_accounts: [IBAN_ACCOUNT, { ...DOMESTIC_ACCOUNT, is_default: true }],
      })
      const response = await patch(company.id, {
        legal_name: 'Acme Renamed',
        billing_address: ADDRESS,
        declared_billing: null,
      })
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<Company>().bank_accounts, company.bank_accounts)
      assert.deepEqual((await current(company.id)).bank_accounts, company.bank_accounts)
    })

    it('refuses bank_accounts as an unknown field, and the accounts stay', async () => {
      const company = await created({ bank_accounts: [IBAN_ACCOUNT] })
      assert.deepEqual(assertInvalid(await patch(company.id, { bank_accounts: [] })), {
        bank_accounts: ['Unknown field.'],
      })
      assert.deepEqual((await current(company.id)).bank_accounts, company.bank_accounts)
    })

    it('refuses null for a required field', async () => {
      const company = await created()
      const errors = assertInvalid(await patch(company.id, { legal_name: null, email: null }))
      assert.deepEqual(Object.keys(errors).sort(), ['email', 'legal_name'])
    })

    it('checks the fields sent as a create does, and changes nothing when one is wrong', async () => {
      const company = await created()
      const errors = assertInvalid(
        await patch(company.id, {
          trade_name: 'Acme',
          declared_billing: -1,
          billing_address: { ...ADDRESS, country: 'XX' },
        }),
      )
      assert.deepEqual(Object.keys(errors).sort(), ['billing_address.country', 'declared_billing'])
      assert.deepEqual(await current(company.id), company)
    })

    it('refuses a malformed field', async () => {
      const company = await created()
      assertFieldError(await patch(company.id, { phone: '12' }), 'phone')
    })

    it('answers 409 registration_number_taken when the number is another company’s', async () => {
      const other = await created()
      const company = await created()
      const response = await patch(company.id, { registration_number: other.registration_number })
      assertProblem(response, 409, 'registration_number_taken')
      assert.equal((await current(company.id)).registration_number, company.registration_number)
    })

    it('accepts the company’s own registration number', async () => {
      const company = await created()
      const response = await patch(company.id, { registration_number: company.registration_number })
      assert.equal(response.statusCode, 200, response.body)
    })

    it('answers a missing company with 404', async () => {
      assertProblem(await patch(UNKNOWN_ID, { trade_name: 'Acme' }), 404, 'not_found')
    })

    it('answers a missing company with 404 even when the body is invalid', async () => {
      assertProblem(await patch(UNKNOWN_ID, { phone: 'x', unknown: true }), 404, 'not_found')
    })
  })

  describe('DELETE /api/companies/{id}', () => {
    async function bankAccountsOf(companyId: number): Promise<number> {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from bank_accounts where company_id = ${companyId}`.execute(
        t.platform.db,
      )
      return rows[0]!.count
    }

    it('deletes the company: 204, then 404', async () => {
      const company = await created()
      const response = await remove(company.id)
      assert.equal(response.statusCode, 204, response.body)
      assert.equal(response.body, '')
      assertProblem(await get(company.id), 404, 'not_found')
    })

    it('deletes the company’s bank accounts with it', async () => {
      const company = await created({ bank_accounts: [IBAN_ACCOUNT, DOMESTIC_ACCOUNT] })
      assert.equal(await bankAccountsOf(company.id), 2)
      assert.equal((await remove(company.id)).statusCode, 204)
      assert.equal(await bankAccountsOf(company.id), 0)
    })

    it('answers 409 company_in_use while another record refers to the company, and keeps it', async () => {
      // What suppliers will do: refer to their company by a foreign key.
      await sql`create table if not exists test_company_refs (company_id bigint references companies (id))`.execute(
        t.platform.db,
      )
      const company = await created({ bank_accounts: [IBAN_ACCOUNT] })
      await sql`insert into test_company_refs (company_id) values (${company.id})`.execute(t.platform.db)
      assertProblem(await remove(company.id), 409, 'company_in_use')
      assert.deepEqual(await current(company.id), company)
    })

    it('answers a missing company with 404', async () => {
      assertProblem(await remove(UNKNOWN_ID), 404, 'not_found')
    })
  })
})
