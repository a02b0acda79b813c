import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { BankAccount, Company } from './companies.schemas.ts'

const ACCOUNT_FIELDS = [
  'account_number',
  'bank_code',
  'bic',
  'branch',
  'country',
  'created_at',
  'currency',
  'holder_name',
  'iban',
  'id',
  'is_default',
]
/** An id nothing has (the largest the API accepts). */
const UNKNOWN_ID = 2147483647
const NOW = '2026-03-02T12:00:00.000Z'

/** Published examples of real IBANs, with their country. */
const REAL_IBANS: [iban: string, country: string][] = [
  ['DE89370400440532013000', 'DE'],
  ['GB82WEST12345698765432', 'GB'],
  ['FR1420041010050500013M02606', 'FR'],
  ['NL91ABNA0417164300', 'NL'],
  ['BR1800360305000010009795493C1', 'BR'],
  ['ES9121000418450200051332', 'ES'],
  ['BE68539007547034', 'BE'],
  ['CH9300762011623852957', 'CH'],
  ['NO9386011117947', 'NO'],
  ['IT60X0542811101000000123456', 'IT'],
]

const IBAN_ACCOUNT = { holder_name: 'Acme GmbH', iban: 'DE89370400440532013000', currency: 'EUR' }
const DOMESTIC_ACCOUNT = {
  holder_name: 'Acme Comércio Ltda.',
  bank_code: '341',
  branch: '0001',
  account_number: '12345-6',
  currency: 'BRL',
  country: 'BR',
}

/** `text` with the character at `index` replaced by the next digit or letter. */
function withTypo(text: string, index: number): string {
  const old = text[index]!
  const next = /\d/.test(old)
    ? String((Number(old) + 1) % 10)
    : String.fromCharCode(((old.charCodeAt(0) - 65 + 1) % 26) + 65)
  return text.slice(0, index) + next + text.slice(index + 1)
}

/** Asserts a 400 that names `field` (with `message`, when given). */
function assertFieldError(response: LightMyRequestResponse, field: string, message?: string): void {
  const errors = assertInvalid(response)
  const messages = errors[field]
  assert.ok(messages, `expected an error on ${field}, got ${JSON.stringify(errors)}`)
  if (message !== undefined) assert.ok(messages.includes(message), `${field}: ${JSON.stringify(messages)}`)
}

describe('bank accounts', () => {
  let t: TestApp
  let operator: SignedInUser
  before(async () => {
    t = await buildTestApp()
    operator = await signIn(t, ['operator'])
  })
  after(() => t.close())

  async function newCompany(): Promise<Company> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/companies',
      headers: operator.headers,
      payload: {
        legal_name: 'Acme Comércio Ltda.',
        registration_number: String(randomInt(10_000_000_000_000, 100_000_000_000_000)),
        email: 'finance@acme.com.br',
      },
    })
    assert.equal(response.statusCode, 201, response.body)
    return response.json<Company>()
  }

  function add(companyId: number, payload: object) {
    return t.app.inject({
      method: 'POST',
      url: `/api/companies/${companyId}/bank-accounts`,
      headers: operator.headers,
      payload,
    })
  }

  async function added(companyId: number, payload: Record<string, unknown>): Promise<BankAccount> {
    const response = await add(companyId, payload)
    assert.equal(response.statusCode, 201, response.body)
    return response.json<BankAccount>()
  }

  function patch(companyId: number, accountId: number, payload: object) {
    return t.app.inject({
      method: 'PATCH',
      url: `/api/companies/${companyId}/bank-accounts/${accountId}`,
      headers: operator.headers,
      payload,
    })
  }

  function remove(companyId: number, accountId: number) {
    return t.app.inject({
      method: 'DELETE',
      url: `/api/companies/${companyId}/bank-accounts/${accountId}`,
      headers: operator.headers,
    })
  }

  async function accountsOf(companyId: number): Promise<BankAccount[]> {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/companies/${companyId}/bank-accounts`,
      headers: operator.headers,
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json<BankAccount[]>()
  }

  async function defaults(companyId: number): Promise<number[]> {
    return (await accountsOf(companyId)).filter((account) => account.is_default).map((account) => account.id)
  }

  describe('an IBAN account', () => {
    it('is added with 201 and every account field', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, bic: 'COBADEFFXXX' })
      assert.deepEqual(Object.keys(account).sort(), ACCOUNT_FIELDS)
      const { id: _id, ...rest } = account
      assert.deepEqual(rest, {
        holder_name: 'Acme GmbH',
        bank_code: null,
        branch: null,
        account_number: null,
        iban: 'DE89370400440532013000',
        bic: 'COBADEFFXXX',
        currency: 'EUR',
        country: 'DE',
        is_default: false,
        created_at: NOW,
      })
    })

    it('is stored without spaces and in upper case', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, iban: 'gb82 west 1234 5698 7654 32' })
      assert.equal(account.iban, 'GB82WEST12345698765432')
      assert.deepEqual(
        (await accountsOf(company.id)).map((listed) => listed.iban),
        ['GB82WEST12345698765432'],
      )
    })

    it('takes the IBAN’s country when no country is given', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, iban: 'FR1420041010050500013M02606' })
      assert.equal(account.country, 'FR')
    })

    it('accepts the IBAN’s own country', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, country: 'DE' })
      assert.equal(account.country, 'DE')
    })

    it('refuses a country that contradicts the IBAN', async () => {
      const company = await newCompany()
      assertFieldError(
        await add(company.id, { ...IBAN_ACCOUNT, country: 'BR' }),
        'country',
        'The IBAN is from DE, not BR.',
      )
    })

    for (const [iban, country] of REAL_IBANS) {
      it(`accepts the real ${country} IBAN ${iban}`, async () => {
        const company = await newCompany()
        const account = await added(company.id, { ...IBAN_ACCOUNT, iban })
        assert.deepEqual([account.iban, account.country], [iban, country])
      })
    }

    for (const [iban, country] of REAL_IBANS) {
      const typos = [2, 4, iban.length - 1].map((index) => withTypo(iban, index))
      it(`refuses one-character changes of the ${country} IBAN (${typos.join(', ')})`, async () => {
        const company = await newCompany()
        for (const typo of typos)
          assertFieldError(await add(company.id, { ...IBAN_ACCOUNT, iban: typo }), 'iban')
        assert.deepEqual(await accountsOf(company.id), [])
      })
    }

    const malformed: [string, string][] = [
      ['of the wrong length', 'DE8937040044053201300'],
      ['of a country that issues none', 'US64SVBKUS6S3300958879'],
      ['that is not an IBAN at all', 'not an iban'],
    ]
    for (const [what, iban] of malformed) {
      it(`refuses an IBAN ${what}`, async () => {
        const company = await newCompany()
        assertFieldError(await add(company.id, { ...IBAN_ACCOUNT, iban }), 'iban')
      })
    }
  })

  describe('a domestic account', () => {
    it('is added with 201, without an IBAN', async () => {
      const company = await newCompany()
      const account = await added(company.id, DOMESTIC_ACCOUNT)
      const { id: _id, ...rest } = account
      assert.deepEqual(rest, {
        ...DOMESTIC_ACCOUNT,
        iban: null,
        bic: null,
        is_default: false,
        created_at: NOW,
      })
    })

    it('refuses a bank code that is not in /api/banks', async () => {
      const company = await newCompany()
      assert.deepEqual(assertInvalid(await add(company.id, { ...DOMESTIC_ACCOUNT, bank_code: '999' })), {
        bank_code: ['Unknown bank code 999; see /api/banks.'],
      })
    })

    for (const bankCode of ['34', '3411', 'ita']) {
      it(`refuses the bank code ${JSON.stringify(bankCode)}: three digits`, async () => {
        const company = await newCompany()
        assertFieldError(await add(company.id, { ...DOMESTIC_ACCOUNT, bank_code: bankCode }), 'bank_code')
      })
    }

    it('accepts a branch of 10 digits', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...DOMESTIC_ACCOUNT, branch: '0123456789' })
      assert.equal(account.branch, '0123456789')
    })

    for (const branch of ['01234567890', '12-3', '']) {
      it(`refuses the branch ${JSON.stringify(branch)}: 1 to 10 digits`, async () => {
        const company = await newCompany()
        assertFieldError(await add(company.id, { ...DOMESTIC_ACCOUNT, branch }), 'branch')
      })
    }

    const numbers: [sent: string, stored: string][] = [
      ['123456789012', '123456789012'],
      ['123456789012-3', '123456789012-3'],
      ['12345-6', '12345-6'],
      ['123x', '123-X'],
      ['123-x', '123-X'],
    ]
    for (const [sent, stored] of numbers) {
      it(`stores the account number ${JSON.stringify(sent)} as ${JSON.stringify(stored)}`, async () => {
        const company = await newCompany()
        const account = await added(company.id, { ...DOMESTIC_ACCOUNT, account_number: sent })
        assert.equal(account.account_number, stored)
      })
    }

    for (const number of ['12345678901234', '123-45', '12345-Y', 'abc', '']) {
      it(`refuses the account number ${JSON.stringify(number)}`, async () => {
        const company = await newCompany()
        assertFieldError(
          await add(company.id, { ...DOMESTIC_ACCOUNT, account_number: number }),
          'account_number',
        )
      })
    }

    for (const part of ['bank_code', 'branch', 'account_number', 'country'] as const) {
      it(`requires ${part}`, async () => {
        const company = await newCompany()
        const { [part]: _missing, ...incomplete } = DOMESTIC_ACCOUNT
        assert.deepEqual(assertInvalid(await add(company.id, incomplete)), {
          [part]: ['This field is required for a domestic account.'],
        })
      })
    }
  })

  describe('either an IBAN or a domestic account', () => {
    it('refuses both at once', async () => {
      const company = await newCompany()
      const errors = assertInvalid(
        await add(company.id, { ...DOMESTIC_ACCOUNT, iban: 'BR1800360305000010009795493C1' }),
      )
      assert.deepEqual(Object.keys(errors), ['non_field_errors'])
    })

    it('refuses neither', async () => {
      const company = await newCompany()
      const errors = assertInvalid(
        await add(company.id, { holder_name: 'Acme', currency: 'BRL', country: 'BR' }),
      )
      assert.deepEqual(Object.keys(errors), ['non_field_errors'])
    })
  })

  describe('the other fields', () => {
    it('refuses a currency that is not ISO 4217', async () => {
      const company = await newCompany()
      assert.deepEqual(assertInvalid(await add(company.id, { ...IBAN_ACCOUNT, currency: 'XYZ' })), {
        currency: ['XYZ is not an ISO 4217 currency code.'],
      })
    })

    for (const currency of ['eur', 'EU', 'EURO', '']) {
      it(`refuses the currency ${JSON.stringify(currency)}`, async () => {
        const company = await newCompany()
        assertFieldError(await add(company.id, { ...IBAN_ACCOUNT, currency }), 'currency')
      })
    }

    it('requires a currency', async () => {
      const company = await newCompany()
      const { currency: _currency, ...withoutCurrency } = IBAN_ACCOUNT
      assertFieldError(await add(company.id, withoutCurrency), 'currency', 'This field is required.')
    })

    it('refuses a country that is not ISO 3166-1', async () => {
      const company = await newCompany()
      assertFieldError(await add(company.id, { ...DOMESTIC_ACCOUNT, country: 'XX' }), 'country')
    })

    for (const bic of ['ITAUBRSP', 'itaubrspxxx']) {
      it(`accepts the ${bic.length}-character BIC ${bic} and stores it in upper case`, async () => {
        const company = await newCompany()
        const account = await added(company.id, { ...DOMESTIC_ACCOUNT, bic })
        assert.equal(account.bic, bic.toUpperCase())
      })
    }

    for (const bic of ['ITAUBR', 'ITAUBRSPX', 'ITAUBRSPXXXX', '1TAUBRSP', 'ITAU-BRSP']) {
      it(`refuses the BIC ${JSON.stringify(bic)}`, async () => {
        const company = await newCompany()
        assertFieldError(await add(company.id, { ...DOMESTIC_ACCOUNT, bic }), 'bic')
      })
    }

    it('refuses a blank holder name', async () => {
      const company = await newCompany()
      assertFieldError(await add(company.id, { ...IBAN_ACCOUNT, holder_name: '  ' }), 'holder_name')
    })

    it('refuses a holder name longer than 150 characters', async () => {
      const company = await newCompany()
      assertFieldError(
        await add(company.id, { ...IBAN_ACCOUNT, holder_name: 'a'.repeat(151) }),
        'holder_name',
        'Ensure this field has no more than 150 characters.',
      )
    })

    it('refuses an unknown field', async () => {
      const company = await newCompany()
      assert.deepEqual(assertInvalid(await add(company.id, { ...IBAN_ACCOUNT, swift: 'COBADEFF' })), {
        swift: ['Unknown field.'],
      })
    })

    it('refuses is_default that is not a boolean', async () => {
      const company = await newCompany()
      assertFieldError(await add(company.id, { ...IBAN_ACCOUNT, is_default: 'yes' }), 'is_default')
    })

    it('answers a missing company with 404, even when the body is invalid', async () => {
      assertProblem(await add(UNKNOWN_ID, { iban: 'x' }), 404, 'not_found')
    })
  })

  describe('the same account twice', () => {
    it('is refused in one company with 409 bank_account_exists, for an IBAN written with spaces', async () => {
      const company = await newCompany()
      await added(company.id, IBAN_ACCOUNT)
      const response = await add(company.id, { ...IBAN_ACCOUNT, iban: 'de89 3704 0044 0532 0130 00' })
      assert.match(assertProblem(response, 409, 'bank_account_exists').detail, /already registered/)
      assert.equal((await accountsOf(company.id)).length, 1)
    })

    it('is refused in one company with 409 bank_account_exists, for a domestic account', async () => {
      const company = await newCompany()
      await added(company.id, DOMESTIC_ACCOUNT)
      assertProblem(
        await add(company.id, { ...DOMESTIC_ACCOUNT, holder_name: 'Someone else' }),
        409,
        'bank_account_exists',
      )
      assert.equal((await accountsOf(company.id)).length, 1)
    })

    it('is refused for a domestic account whose check digit is written in lower case', async () => {
      const company = await newCompany()
      await added(company.id, { ...DOMESTIC_ACCOUNT, account_number: '12345-X' })
      assertProblem(
        await add(company.id, { ...DOMESTIC_ACCOUNT, account_number: '12345x' }),
        409,
        'bank_account_exists',
      )
    })

    it('is fine in two different companies', async () => {
      const first = await newCompany()
      const second = await newCompany()
      await added(first.id, IBAN_ACCOUNT)
      await added(second.id, IBAN_ACCOUNT)
      await added(first.id, DOMESTIC_ACCOUNT)
      await added(second.id, DOMESTIC_ACCOUNT)
      assert.equal((await accountsOf(second.id)).length, 2)
    })

    it('sent by two requests at once: exactly one 201 and one 409', async () => {
      const company = await newCompany()
      const responses = await Promise.all([add(company.id, IBAN_ACCOUNT), add(company.id, IBAN_ACCOUNT)])
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [201, 409])
      assertProblem(
        responses.find((response) => response.statusCode === 409)!,
        409,
        'bank_account_exists',
      )
      assert.equal((await accountsOf(company.id)).length, 1)
    })
  })

  describe('the default account of a currency', () => {
    it('is the one added with is_default true, and the previous default of that currency is unset', async () => {
      const company = await newCompany()
      const first = await added(company.id, { ...IBAN_ACCOUNT, is_default: true })
      assert.equal(first.is_default, true)
      const second = await added(company.id, {
        ...IBAN_ACCOUNT,
        iban: 'FR1420041010050500013M02606',
        is_default: true,
      })
      assert.equal(second.is_default, true)
      assert.deepEqual(await defaults(company.id), [second.id])
    })

    it('of another currency is left alone', async () => {
      const company = await newCompany()
      const euros = await added(company.id, { ...IBAN_ACCOUNT, is_default: true })
      const reais = await added(company.id, { ...DOMESTIC_ACCOUNT, is_default: true })
      assert.deepEqual(await defaults(company.id), [euros.id, reais.id])
    })

    it('of another company is left alone', async () => {
      const other = await newCompany()
      const othersDefault = await added(other.id, { ...IBAN_ACCOUNT, is_default: true })
      const company = await newCompany()
      await added(company.id, { ...IBAN_ACCOUNT, is_default: true })
      assert.deepEqual(await defaults(other.id), [othersDefault.id])
    })

    it('changes when an account is patched to is_default true', async () => {
      const company = await newCompany()
      const first = await added(company.id, { ...IBAN_ACCOUNT, is_default: true })
      const second = await added(company.id, { ...IBAN_ACCOUNT, iban: 'FR1420041010050500013M02606' })
      const reais = await added(company.id, { ...DOMESTIC_ACCOUNT, is_default: true })
      const response = await patch(company.id, second.id, { is_default: true })
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(response.json<BankAccount>().is_default, true)
      assert.deepEqual(await defaults(company.id), [second.id, reais.id])
      assert.notEqual(first.id, second.id)
    })

    it('can be unset, leaving the currency without a default', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, is_default: true })
      assert.equal((await patch(company.id, account.id, { is_default: false })).statusCode, 200)
      assert.deepEqual(await defaults(company.id), [])
    })

    it('stays as it is when the default account is patched to is_default true again', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, is_default: true })
      assert.equal((await patch(company.id, account.id, { is_default: true })).statusCode, 200)
      assert.deepEqual(await defaults(company.id), [account.id])
    })

    it('is exactly one after two requests at once make two accounts the default', async () => {
      const company = await newCompany()
      const first = await added(company.id, IBAN_ACCOUNT)
      const second = await added(company.id, { ...IBAN_ACCOUNT, iban: 'FR1420041010050500013M02606' })
      const responses = await Promise.all([
        patch(company.id, first.id, { is_default: true }),
        patch(company.id, second.id, { is_default: true }),
      ])
      assert.deepEqual(
        responses.map((response) => response.statusCode),
        [200, 200],
      )
      const [winner] = await defaults(company.id)
      assert.deepEqual(await defaults(company.id), [winner])
      assert.ok(winner === first.id || winner === second.id)
    })

    it('is exactly one after two accounts are added at once as the default', async () => {
      const company = await newCompany()
      const responses = await Promise.all([
        add(company.id, { ...IBAN_ACCOUNT, is_default: true }),
        add(company.id, { ...IBAN_ACCOUNT, iban: 'FR1420041010050500013M02606', is_default: true }),
      ])
      assert.deepEqual(
        responses.map((response) => response.statusCode),
        [201, 201],
      )
      assert.equal((await defaults(company.id)).length, 1)
    })
  })

  describe('PATCH /api/companies/{id}/bank-accounts/{account_id}', () => {
    it('changes the holder name and the BIC, and nothing else', async () => {
      const company = await newCompany()
      const account = await added(company.id, IBAN_ACCOUNT)
      const response = await patch(company.id, account.id, { holder_name: ' Acme AG ', bic: 'cobadeff' })
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json<BankAccount>(), { ...account, holder_name: 'Acme AG', bic: 'COBADEFF' })
      assert.deepEqual(await accountsOf(company.id), [response.json<BankAccount>()])
    })

    it('clears the BIC sent as null', async () => {
      const company = await newCompany()
      const account = await added(company.id, { ...IBAN_ACCOUNT, bic: 'COBADEFF' })
      const response = await patch(company.id, account.id, { bic: null })
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(response.json<BankAccount>().bic, null)
    })

    for (const field of ['iban', 'currency', 'country', 'bank_code', 'branch', 'account_number']) {
      it(`refuses to change ${field}: Unknown field`, async () => {
        const company = await newCompany()
        const account = await added(company.id, IBAN_ACCOUNT)
        const response = await patch(company.id, account.id, { [field]: 'FR1420041010050500013M02606' })
        assert.deepEqual(assertInvalid(response), { [field]: ['Unknown field.'] })
        assert.deepEqual(await accountsOf(company.id), [account])
      })
    }

    it('refuses a blank holder name', async () => {
      const company = await newCompany()
      const account = await added(company.id, IBAN_ACCOUNT)
      assertFieldError(await patch(company.id, account.id, { holder_name: ' ' }), 'holder_name')
    })

    it('refuses a malformed BIC', async () => {
      const company = await newCompany()
      const account = await added(company.id, IBAN_ACCOUNT)
      assertFieldError(await patch(company.id, account.id, { bic: 'COBA' }), 'bic')
    })

    it('answers a missing account with 404', async () => {
      const company = await newCompany()
      assertProblem(await patch(company.id, UNKNOWN_ID, { holder_name: 'Acme' }), 404, 'not_found')
    })

    it('answers an account of another company with 404, and leaves it as it was', async () => {
      const owner = await newCompany()
      const account = await added(owner.id, IBAN_ACCOUNT)
      const company = await newCompany()
      assertProblem(await patch(company.id, account.id, { holder_name: 'Thief' }), 404, 'not_found')
      assert.deepEqual(await accountsOf(owner.id), [account])
    })

    it('answers a missing account with 404 even when the body is invalid', async () => {
      const company = await newCompany()
      assertProblem(await patch(company.id, UNKNOWN_ID, { iban: 'x' }), 404, 'not_found')
    })
  })

  describe('DELETE /api/companies/{id}/bank-accounts/{account_id}', () => {
    it('removes the account: 204, then 404', async () => {
      const company = await newCompany()
      const kept = await added(company.id, DOMESTIC_ACCOUNT)
      const account = await added(company.id, IBAN_ACCOUNT)
      const response = await remove(company.id, account.id)
      assert.equal(response.statusCode, 204, response.body)
      assert.equal(response.body, '')
      assertProblem(await remove(company.id, account.id), 404, 'not_found')
      assert.deepEqual(await accountsOf(company.id), [kept])
    })

    it('answers an account of another company with 404, and keeps it', async () => {
      const owner = await newCompany()
      const account = await added(owner.id, IBAN_ACCOUNT)
      const company = await newCompany()
      assertProblem(await remove(company.id, account.id), 404, 'not_found')
      assert.deepEqual(await accountsOf(owner.id), [account])
    })

    it('answers a missing company with 404', async () => {
      assertProblem(await remove(UNKNOWN_ID, 1), 404, 'not_found')
    })
  })

  describe('GET /api/companies/{id}/bank-accounts', () => {
    it('lists the company’s accounts in the order they were added', async () => {
      const company = await newCompany()
      const first = await added(company.id, DOMESTIC_ACCOUNT)
      const second = await added(company.id, IBAN_ACCOUNT)
      assert.deepEqual(await accountsOf(company.id), [first, second])
    })

    it('answers an empty list for a company without accounts', async () => {
      const company = await newCompany()
      assert.deepEqual(await accountsOf(company.id), [])
    })

    it('answers a missing company with 404', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/companies/${UNKNOWN_ID}/bank-accounts`,
        headers: operator.headers,
      })
      assertProblem(response, 404, 'not_found')
    })
  })

  describe('GET /api/banks', () => {
    it('lists the national bank codes with their names, for any signed-in user', async () => {
      const user = await signIn(t)
      const response = await t.app.inject({ method: 'GET', url: '/api/banks', headers: user.headers })
      assert.equal(response.statusCode, 200, response.body)
      const banks = response.json<{ code: string; name: string }[]>()
      assert.ok(Array.isArray(banks))
      assert.ok(banks.every((bank) => /^\d{3}$/.test(bank.code) && bank.name.length > 0))
      assert.ok(banks.every((bank) => Object.keys(bank).sort().join() === 'code,name'))
      assert.deepEqual(
        banks.find((bank) => bank.code === '341'),
        { code: '341', name: 'Itaú Unibanco S.A.' },
      )
    })
  })
})
