import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError, FieldErrorCollector, type FieldErrors } from '../../platform/errors.ts'
import { checkBankAccount, normalizeAccountNumber, type CheckedBankAccount } from './bank-account-rules.ts'
import type { NewBankAccount } from './companies.schemas.ts'

const IBAN_ACCOUNT: NewBankAccount = {
  holder_name: 'Acme GmbH',
  iban: 'DE89370400440532013000',
  currency: 'EUR',
}
const DOMESTIC_ACCOUNT: NewBankAccount = {
  holder_name: 'Acme Comércio Ltda.',
  bank_code: '341',
  branch: '0001',
  account_number: '12345-6',
  currency: 'BRL',
  country: 'BR',
}

/** The account in stored form and the problems found, as a request would report them. */
function check(input: NewBankAccount, prefix?: string): { account: CheckedBankAccount; errors: FieldErrors } {
  const fields = new FieldErrorCollector()
  const account = checkBankAccount(input, fields, prefix)
  try {
    fields.throwIfAny()
    return { account, errors: {} }
  } catch (error) {
    if (!(error instanceof AppError) || error.fieldErrors === undefined) throw error
    return { account, errors: error.fieldErrors }
  }
}

function withoutField(account: NewBankAccount, field: keyof NewBankAccount): NewBankAccount {
  const copy = { ...account }
  Reflect.deleteProperty(copy, field)
  return copy
}

describe('checkBankAccount', () => {
  describe('an IBAN account', () => {
    it('is stored with the IBAN and no domestic parts', () => {
      assert.deepEqual(check(IBAN_ACCOUNT), {
        account: {
          holder_name: 'Acme GmbH',
          bank_code: null,
          branch: null,
          account_number: null,
          iban: 'DE89370400440532013000',
          bic: null,
          currency: 'EUR',
          country: 'DE',
          is_default: false,
        },
        errors: {},
      })
    })

    it('stores the IBAN without spaces, in upper case', () => {
      const { account, errors } = check({ ...IBAN_ACCOUNT, iban: ' gb82 west 1234 5698 7654 32 ' })
      assert.deepEqual(errors, {})
      assert.equal(account.iban, 'GB82WEST12345698765432')
    })

    it('takes its country from the IBAN when none is given', () => {
      assert.equal(check({ ...IBAN_ACCOUNT, iban: 'NL91ABNA0417164300' }).account.country, 'NL')
    })

    it('accepts the IBAN’s own country', () => {
      assert.deepEqual(check({ ...IBAN_ACCOUNT, country: 'DE' }).errors, {})
    })

    it('refuses a country that contradicts the IBAN, and keeps the IBAN’s', () => {
      const { account, errors } = check({ ...IBAN_ACCOUNT, country: 'FR' })
      assert.deepEqual(errors, { country: ['The IBAN is from DE, not FR.'] })
      assert.equal(account.country, 'DE')
    })

    it('refuses an IBAN whose check digits do not match', () => {
      const { errors } = check({ ...IBAN_ACCOUNT, iban: 'DE89370400440532013001' })
      assert.deepEqual(errors, { iban: ['The IBAN check digits do not match; check for a typo.'] })
    })

    it('refuses an IBAN of the wrong length for its country', () => {
      const { errors } = check({ ...IBAN_ACCOUNT, iban: 'DE8937040044053201300' })
      assert.deepEqual(errors, { iban: ['An IBAN from DE has 22 characters; this one has 21.'] })
    })
  })

  describe('a domestic account', () => {
    it('is stored with its bank, branch and number, and no IBAN', () => {
      assert.deepEqual(check(DOMESTIC_ACCOUNT), {
        account: {
          holder_name: 'Acme Comércio Ltda.',
          bank_code: '341',
          branch: '0001',
          account_number: '12345-6',
          iban: null,
          bic: null,
          currency: 'BRL',
          country: 'BR',
          is_default: false,
        },
        errors: {},
      })
    })

    it('stores the account number normalised', () => {
      assert.equal(check({ ...DOMESTIC_ACCOUNT, account_number: '123x' }).account.account_number, '123-X')
    })

    for (const part of ['bank_code', 'branch', 'account_number', 'country'] as const) {
      it(`requires ${part}`, () => {
        assert.deepEqual(check(withoutField(DOMESTIC_ACCOUNT, part)).errors, {
          [part]: ['This field is required for a domestic account.'],
        })
      })
    }

    it('names every missing part at once', () => {
      const input = withoutField(withoutField(DOMESTIC_ACCOUNT, 'branch'), 'account_number')
      assert.deepEqual(Object.keys(check(input).errors).sort(), ['account_number', 'branch'])
    })

    it('refuses a country that is not ISO 3166-1', () => {
      assert.deepEqual(check({ ...DOMESTIC_ACCOUNT, country: 'XX' }).errors, {
        country: ['XX is not an ISO 3166-1 country code.'],
      })
    })
  })

  describe('either an IBAN or a domestic account', () => {
    it('refuses both at once, as a whole', () => {
      const { errors } = check({ ...DOMESTIC_ACCOUNT, iban: 'BR1800360305000010009795493C1' })
      assert.deepEqual(errors, {
        non_field_errors: ['Give either an IBAN or a domestic account (bank, branch, number), not both.'],
      })
    })

    it('refuses an IBAN with even one domestic part', () => {
      const { errors } = check({ ...IBAN_ACCOUNT, branch: '0001' })
      assert.deepEqual(Object.keys(errors), ['non_field_errors'])
    })

    it('refuses neither, as a whole', () => {
      const { errors } = check({ holder_name: 'Acme', currency: 'BRL', country: 'BR' })
      assert.deepEqual(errors, {
        non_field_errors: ['Give either an IBAN or a domestic account (bank_code, branch, account_number).'],
      })
    })
  })

  describe('every account', () => {
    it('refuses a currency that is not ISO 4217', () => {
      assert.deepEqual(check({ ...IBAN_ACCOUNT, currency: 'XYZ' }).errors, {
        currency: ['XYZ is not an ISO 4217 currency code.'],
      })
    })

    for (const currency of ['BRL', 'EUR', 'USD', 'GBP', 'CHF', 'JPY']) {
      it(`accepts the currency ${currency}`, () => {
        assert.deepEqual(check({ ...IBAN_ACCOUNT, currency }).errors, {})
      })
    }

    it('trims the holder name', () => {
      assert.equal(check({ ...IBAN_ACCOUNT, holder_name: '  Acme GmbH ' }).account.holder_name, 'Acme GmbH')
    })

    it('refuses a blank holder name', () => {
      assert.deepEqual(check({ ...IBAN_ACCOUNT, holder_name: '   ' }).errors, {
        holder_name: ['This field may not be blank.'],
      })
    })

    it('stores the BIC in upper case', () => {
      assert.equal(check({ ...IBAN_ACCOUNT, bic: 'cobadeffxxx' }).account.bic, 'COBADEFFXXX')
    })

    it('keeps is_default as given', () => {
      assert.equal(check({ ...IBAN_ACCOUNT, is_default: true }).account.is_default, true)
    })

    it('reports problems under the prefix, so a list of accounts names the one at fault', () => {
      const { errors } = check(
        { ...IBAN_ACCOUNT, iban: 'DE89370400440532013001', currency: 'XYZ' },
        'bank_accounts.2.',
      )
      assert.deepEqual(Object.keys(errors).sort(), ['bank_accounts.2.currency', 'bank_accounts.2.iban'])
    })
  })
})

describe('normalizeAccountNumber', () => {
  const cases: [input: string, stored: string][] = [
    ['123456', '123456'],
    ['123456789012', '123456789012'],
    ['12345-6', '12345-6'],
    ['123x', '123-X'],
    ['123X', '123-X'],
    ['123-x', '123-X'],
    ['0001234-0', '0001234-0'],
  ]
  for (const [input, stored] of cases) {
    it(`stores ${JSON.stringify(input)} as ${JSON.stringify(stored)}`, () => {
      assert.equal(normalizeAccountNumber(input), stored)
    })
  }

  it('reads a digit after 12 digits as the check digit', () => {
    assert.equal(normalizeAccountNumber('1234567890123'), '123456789012-3')
  })

  it('keeps a bare number of up to 12 digits whole: its last digit is not taken for a check digit', () => {
    assert.equal(normalizeAccountNumber('1234567'), '1234567')
  })

  it('leaves what it cannot read as it is, for validation to refuse', () => {
    assert.equal(normalizeAccountNumber('12-34-5'), '12-34-5')
  })

  it('answers null when there is no number', () => {
    assert.equal(normalizeAccountNumber(undefined), null)
  })
})
