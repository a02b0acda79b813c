import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatCents, formatMoney, optionalCents, parseMoney, toCents } from './money.ts'

const NOT_AN_AMOUNT = 'Enter an amount such as 1000.00.'
const TOO_MANY_DECIMALS = 'Use at most 2 decimal places.'

describe('parseMoney', () => {
  const amounts: [input: string | number, cents: bigint][] = [
    ['10.5', 1050n],
    [10.5, 1050n],
    ['1000', 100000n],
    [1000, 100000n],
    ['1234.56', 123456n],
    [1234.56, 123456n],
    ['0.01', 1n],
    [0.01, 1n],
    ['0', 0n],
    [0, 0n],
    ['007.10', 710n],
    [' 12.30 ', 1230n],
  ]
  for (const [input, cents] of amounts) {
    it(`reads the ${typeof input} ${JSON.stringify(input)} as ${cents} cents`, () => {
      assert.equal(parseMoney(input), cents)
    })
  }

  it('reads negative amounts, as strings and as numbers', () => {
    assert.equal(parseMoney('-5.25'), -525n)
    assert.equal(parseMoney(-5.25), -525n)
    assert.equal(parseMoney('-0.01'), -1n)
  })

  it('reads the largest amounts exactly, beyond what a float holds', () => {
    assert.equal(parseMoney('999999999999999.99'), 99999999999999999n)
    assert.equal(parseMoney('900719925474099.27'), 90071992547409927n)
  })

  it('refuses more than 15 digits before the decimal point', () => {
    assert.equal(parseMoney('1000000000000000'), NOT_AN_AMOUNT)
  })

  it('refuses more than 2 decimal places, as a string', () => {
    assert.equal(parseMoney('1.005'), TOO_MANY_DECIMALS)
    assert.equal(parseMoney('1.000'), TOO_MANY_DECIMALS)
  })

  it('refuses more than 2 decimal places, as a number', () => {
    assert.equal(parseMoney(1.005), TOO_MANY_DECIMALS)
    assert.equal(parseMoney(0.1 + 0.2), TOO_MANY_DECIMALS)
  })

  it('refuses numbers that JSON spells with an exponent', () => {
    assert.equal(parseMoney(1e21), NOT_AN_AMOUNT)
    assert.equal(parseMoney(1e-7), NOT_AN_AMOUNT)
  })

  it('refuses numbers that are not finite', () => {
    assert.equal(parseMoney(Number.NaN), NOT_AN_AMOUNT)
    assert.equal(parseMoney(Number.POSITIVE_INFINITY), NOT_AN_AMOUNT)
  })

  for (const text of [
    '',
    ' ',
    '1e3',
    '1E3',
    '1,50',
    '1.234,56',
    '.5',
    '5.',
    '+5',
    '--5',
    '5-',
    'abc',
    '1 000',
    '0x10',
  ]) {
    it(`refuses the string ${JSON.stringify(text)}`, () => {
      assert.equal(parseMoney(text), NOT_AN_AMOUNT)
    })
  }

  describe('limits', () => {
    it('accepts the minimum itself', () => {
      assert.equal(parseMoney('0', { min: '0' }), 0n)
      assert.equal(parseMoney('10.00', { min: '10' }), 1000n)
    })

    it('refuses less than the minimum', () => {
      assert.equal(parseMoney('-0.01', { min: '0' }), 'Ensure this value is greater than or equal to 0.')
      assert.equal(parseMoney(-1, { min: '0' }), 'Ensure this value is greater than or equal to 0.')
    })

    it('refuses the minimum itself when it is exclusive', () => {
      assert.equal(parseMoney('0', { min: '0', exclusiveMin: true }), 'Ensure this value is greater than 0.')
      assert.equal(parseMoney('0.01', { min: '0', exclusiveMin: true }), 1n)
    })

    it('accepts less than the upper bound, and refuses the bound itself', () => {
      assert.equal(parseMoney('99.99', { below: '100.00' }), 9999n)
      assert.equal(parseMoney('100', { below: '100.00' }), 'Ensure this value is less than 100.00.')
      assert.equal(parseMoney(100.01, { below: '100.00' }), 'Ensure this value is less than 100.00.')
    })

    it('applies both bounds together', () => {
      const limits = { min: '0', below: '10' }
      assert.equal(parseMoney('5', limits), 500n)
      assert.equal(parseMoney('-5', limits), 'Ensure this value is greater than or equal to 0.')
      assert.equal(parseMoney('15', limits), 'Ensure this value is less than 10.')
    })

    it('allows negative amounts when no minimum is given', () => {
      assert.equal(parseMoney('-1000', { below: '10' }), -100000n)
    })
  })
})

describe('toCents', () => {
  it('reads a valid amount: "10.5" → 1050n', () => {
    assert.equal(toCents('10.5'), 1050n)
  })

  it('reads a database numeric without decimals', () => {
    assert.equal(toCents('1000'), 100000n)
  })

  it('throws on text that is not an amount', () => {
    assert.throws(() => toCents('ten'), /Not an amount: ten/)
  })
})

describe('optionalCents', () => {
  it('reads an amount in cents and leaves no amount as none', () => {
    assert.equal(optionalCents('1000.50'), 100_050n)
    assert.equal(optionalCents(undefined), undefined)
  })

  it('throws on a setting that is not an amount, as toCents does', () => {
    assert.throws(() => optionalCents('ten'), /Not an amount: ten/)
  })
})

describe('formatCents', () => {
  const cases: [cents: bigint, text: string][] = [
    [123450n, '1234.50'],
    [100000n, '1000.00'],
    [5n, '0.05'],
    [50n, '0.50'],
    [0n, '0.00'],
    [-5n, '-0.05'],
    [-123456n, '-1234.56'],
    [99999999999999999n, '999999999999999.99'],
  ]
  for (const [cents, text] of cases) {
    it(`writes ${cents} cents as "${text}"`, () => {
      assert.equal(formatCents(cents), text)
    })
  }
})

describe('formatMoney', () => {
  const cases: [amount: string, text: string][] = [
    ['1000', '1000.00'],
    ['1000.5', '1000.50'],
    ['1000.50', '1000.50'],
    ['0.1', '0.10'],
    ['-3.1', '-3.10'],
    ['9999999999999.99', '9999999999999.99'],
  ]
  for (const [amount, text] of cases) {
    it(`writes the numeric "${amount}" with two places: "${text}"`, () => {
      assert.equal(formatMoney(amount), text)
    })
  }

  it('round-trips every amount parseMoney reads', () => {
    for (const text of ['0.00', '0.01', '12.34', '-12.34', '999999999999999.99']) {
      const cents = parseMoney(text)
      assert.equal(typeof cents, 'bigint')
      assert.equal(formatCents(cents as bigint), text)
    }
  })
})
