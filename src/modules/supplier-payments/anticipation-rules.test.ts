import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  anticipationProblem,
  anticipationTerms,
  daysBetween,
  divideHalfEven,
  effectiveAnnualRate,
  parseRate,
  PAYMENT_STATUSES,
  paymentStatus,
  type AnticipationStatus,
  type PaymentStatus,
} from './anticipation-rules.ts'

const TODAY = '2026-03-02'
const YESTERDAY = '2026-03-01'
const TOMORROW = '2026-03-03'

/** The terms of an anticipation, in the API's money strings. */
function terms(value: string, dueDate: string, newDueDate: string, monthlyRate = '0.03') {
  const cents = BigInt(value.replace('.', ''))
  const result = anticipationTerms(cents, dueDate, newDueDate, monthlyRate)
  const money = (amount: bigint) => `${amount / 100n}.${(amount % 100n).toString().padStart(2, '0')}`
  return { days: result.days, newValue: money(result.newValue), discount: money(result.discount) }
}

describe('the anticipation formula: value − value × (rate / 30) × days, half-even to cents', () => {
  it('gives 14.98 for 15.00 one day early (14.985 rounds to the even cent, down)', () => {
    assert.deepEqual(terms('15.00', '2024-10-02', '2024-10-01'), {
      days: 1,
      newValue: '14.98',
      discount: '0.02',
    })
  })

  it('rounds a half cent up when the cent below is odd (44.955 → 44.96)', () => {
    assert.deepEqual(terms('45.00', '2024-10-02', '2024-10-01'), {
      days: 1,
      newValue: '44.96',
      discount: '0.04',
    })
  })

  it('gives 984.00 for 1000.00 due 2024-10-01 moved to 2024-09-15 (16 days)', () => {
    assert.deepEqual(terms('1000.00', '2024-10-01', '2024-09-15'), {
      days: 16,
      newValue: '984.00',
      discount: '16.00',
    })
  })

  it('rounds a part of a cent that is not a half to the nearest cent', () => {
    // 10.00 × (1 − 0.001 × 7) = 9.93 exactly; 10.01 × 0.993 = 9.93993 → 9.94
    assert.equal(terms('10.01', '2024-10-08', '2024-10-01').newValue, '9.94')
    // 0.07 × 0.999 = 0.06993 → 0.07: a discount smaller than half a cent is no discount
    assert.deepEqual(terms('0.07', '2024-10-02', '2024-10-01'), {
      days: 1,
      newValue: '0.07',
      discount: '0.00',
    })
  })

  it('applies the configured monthly rate: 5 % over 30 days takes 5 %', () => {
    assert.equal(terms('1000.00', '2024-10-31', '2024-10-01', '0.05').newValue, '950.00')
  })

  it('applies a rate with more decimal places exactly: 2.5 % over 12 days of 200.00 takes 2.00', () => {
    assert.equal(terms('200.00', '2024-10-13', '2024-10-01', '0.025').newValue, '198.00')
  })

  it('takes nothing at a rate of 0', () => {
    assert.deepEqual(terms('1000.00', '2024-10-31', '2024-10-01', '0'), {
      days: 30,
      newValue: '1000.00',
      discount: '0.00',
    })
  })

  it('counts days across a month and a year end', () => {
    assert.deepEqual(terms('1000.00', '2025-01-05', '2024-12-26'), {
      days: 10,
      newValue: '990.00',
      discount: '10.00',
    })
  })

  it('is exact for the largest value accepted (999999999.99 one day early → 998999999.99)', () => {
    assert.deepEqual(terms('999999999.99', '2024-10-02', '2024-10-01'), {
      days: 1,
      newValue: '998999999.99',
      discount: '1000000.00',
    })
  })

  it('rounds a half cent to even for large values, where a float would not (999999985.00 → 998999985.02)', () => {
    // 99 999 998 500 cents × 0.999 = 99 899 998 501.5 cents: a tie, to the even 502.
    assert.equal(terms('999999985.00', '2024-10-02', '2024-10-01').newValue, '998999985.02')
  })

  it('makes the discount the value minus the new value', () => {
    const result = anticipationTerms(123_457n, '2024-11-20', '2024-10-01', '0.03')
    assert.equal(result.discount, 123_457n - result.newValue)
  })
})

describe('parseRate', () => {
  it('reads a decimal fraction as numerator and denominator', () => {
    assert.deepEqual(parseRate('0.03'), { numerator: 3n, denominator: 100n })
    assert.deepEqual(parseRate('0.025'), { numerator: 25n, denominator: 1000n })
    assert.deepEqual(parseRate('1.5'), { numerator: 15n, denominator: 10n })
    assert.deepEqual(parseRate('0'), { numerator: 0n, denominator: 1n })
  })
})

describe('divideHalfEven (banker’s rounding)', () => {
  it('rounds positive ties to the even neighbour', () => {
    assert.equal(divideHalfEven(1n, 2n), 0n)
    assert.equal(divideHalfEven(3n, 2n), 2n)
    assert.equal(divideHalfEven(5n, 2n), 2n)
    assert.equal(divideHalfEven(7n, 2n), 4n)
  })

  it('rounds negative ties to the even neighbour', () => {
    assert.equal(divideHalfEven(-1n, 2n), 0n)
    assert.equal(divideHalfEven(-3n, 2n), -2n)
    assert.equal(divideHalfEven(-5n, 2n), -2n)
    assert.equal(divideHalfEven(-7n, 2n), -4n)
  })

  it('rounds what is not a tie to the nearest integer, both signs', () => {
    assert.equal(divideHalfEven(7n, 3n), 2n)
    assert.equal(divideHalfEven(8n, 3n), 3n)
    assert.equal(divideHalfEven(-7n, 3n), -2n)
    assert.equal(divideHalfEven(-8n, 3n), -3n)
    assert.equal(divideHalfEven(1499n, 1000n), 1n)
    assert.equal(divideHalfEven(1501n, 1000n), 2n)
  })

  it('returns exact quotients unchanged', () => {
    assert.equal(divideHalfEven(6n, 3n), 2n)
    assert.equal(divideHalfEven(-6n, 3n), -2n)
    assert.equal(divideHalfEven(0n, 7n), 0n)
  })

  it('accepts a negative denominator', () => {
    assert.equal(divideHalfEven(5n, -2n), -2n)
    assert.equal(divideHalfEven(-5n, -2n), 2n)
    assert.equal(divideHalfEven(7n, -2n), -4n)
    assert.equal(divideHalfEven(8n, -3n), -3n)
  })
})

describe('daysBetween (calendar dates)', () => {
  it('is 0 for the same day and negative backwards', () => {
    assert.equal(daysBetween('2024-09-15', '2024-09-15'), 0)
    assert.equal(daysBetween('2024-09-15', '2024-10-01'), 16)
    assert.equal(daysBetween('2024-10-01', '2024-09-15'), -16)
  })

  it('counts across month ends, including February in leap and common years', () => {
    assert.equal(daysBetween('2024-01-31', '2024-02-01'), 1)
    assert.equal(daysBetween('2024-02-28', '2024-03-01'), 2)
    assert.equal(daysBetween('2023-02-28', '2023-03-01'), 1)
    assert.equal(daysBetween('2024-04-30', '2024-05-01'), 1)
  })

  it('counts across year ends, and a leap year has 366 days', () => {
    assert.equal(daysBetween('2024-12-31', '2025-01-01'), 1)
    assert.equal(daysBetween('2024-01-01', '2025-01-01'), 366)
    assert.equal(daysBetween('2025-01-01', '2026-01-01'), 365)
  })

  it('does not depend on daylight saving time in the process’s time zone', () => {
    const original = process.env.TZ
    try {
      for (const zone of [
        'UTC',
        'Europe/Berlin',
        'America/New_York',
        'America/Sao_Paulo',
        'Australia/Sydney',
      ]) {
        process.env.TZ = zone
        // Days on which clocks change in one hemisphere or the other (23- or 25-hour local days).
        assert.equal(daysBetween('2024-03-09', '2024-03-11'), 2, zone)
        assert.equal(daysBetween('2024-03-30', '2024-04-01'), 2, zone)
        assert.equal(daysBetween('2024-04-06', '2024-04-08'), 2, zone)
        assert.equal(daysBetween('2024-10-05', '2024-10-07'), 2, zone)
        assert.equal(daysBetween('2024-10-26', '2024-10-28'), 2, zone)
        assert.equal(daysBetween('2024-11-02', '2024-11-04'), 2, zone)
        assert.equal(daysBetween('2024-01-01', '2024-12-31'), 365, zone)
      }
    } finally {
      if (original === undefined) delete process.env.TZ
      else process.env.TZ = original
    }
  })
})

describe('paymentStatus: every payment is in exactly one status', () => {
  type Anticipation = AnticipationStatus | null
  /** API.md's definitions, word for word, as predicates. */
  const DEFINITIONS: Record<PaymentStatus, (due: string, anticipation: Anticipation) => boolean> = {
    A: (due, anticipation) => anticipation === null && due > TODAY,
    U: (due, anticipation) => due <= TODAY && (anticipation === null || anticipation === 'PC'),
    PC: (due, anticipation) => anticipation === 'PC' && due > TODAY,
    AN: (_due, anticipation) => anticipation === 'A',
    D: (_due, anticipation) => anticipation === 'D',
  }
  const EXPECTED: { due: string; anticipation: Anticipation; status: PaymentStatus }[] = [
    { due: TOMORROW, anticipation: null, status: 'A' },
    { due: TODAY, anticipation: null, status: 'U' },
    { due: YESTERDAY, anticipation: null, status: 'U' },
    { due: TOMORROW, anticipation: 'PC', status: 'PC' },
    { due: TODAY, anticipation: 'PC', status: 'U' },
    { due: YESTERDAY, anticipation: 'PC', status: 'U' },
    { due: TOMORROW, anticipation: 'A', status: 'AN' },
    { due: TODAY, anticipation: 'A', status: 'AN' },
    { due: YESTERDAY, anticipation: 'A', status: 'AN' },
    { due: TOMORROW, anticipation: 'D', status: 'D' },
    { due: TODAY, anticipation: 'D', status: 'D' },
    { due: YESTERDAY, anticipation: 'D', status: 'D' },
  ]

  for (const { due, anticipation, status } of EXPECTED) {
    const when = due === TODAY ? 'today' : due === TOMORROW ? 'tomorrow' : 'yesterday'
    it(`is ${status} for a payment due ${when} with ${anticipation ? `anticipation ${anticipation}` : 'no anticipation'}`, () => {
      assert.equal(paymentStatus(due, anticipation, TODAY), status)
    })
  }

  it('matches exactly one of API.md’s definitions in every combination', () => {
    for (const { due, anticipation } of EXPECTED) {
      const matching = PAYMENT_STATUSES.filter((status) => DEFINITIONS[status](due, anticipation))
      assert.deepEqual(matching, [paymentStatus(due, anticipation, TODAY)], `${due} ${String(anticipation)}`)
    }
  })

  it('lists the five statuses', () => {
    assert.deepEqual([...PAYMENT_STATUSES].sort(), ['A', 'AN', 'D', 'PC', 'U'])
  })
})

describe('effectiveAnnualRate: d / (1 − d) × 365 / days, 4 places', () => {
  it('is 0.3709 for 16.00 off 1000.00 over 16 days', () => {
    assert.equal(effectiveAnnualRate(100_000n, 1_600n, 16), '0.3709')
  })

  it('is 0.4873 for 0.02 off 15.00 over one day', () => {
    assert.equal(effectiveAnnualRate(1_500n, 2n, 1), '0.4873')
  })

  it('is 0.3763 for a month at 3 % (30.00 off 1000.00 over 30 days)', () => {
    assert.equal(effectiveAnnualRate(100_000n, 3_000n, 30), '0.3763')
  })

  it('has a whole part when the rate is above 100 %', () => {
    assert.equal(effectiveAnnualRate(10_000n, 9_000n, 900), '3.6500')
  })

  it('rounds the fourth place half to even', () => {
    // 0.03 off 200.03 over a year: exactly 0.00015 → 0.0002; 0.01 off 200.01: 0.00005 → 0.0000
    assert.equal(effectiveAnnualRate(20_003n, 3n, 365), '0.0002')
    assert.equal(effectiveAnnualRate(20_001n, 1n, 365), '0.0000')
  })

  it('is 0.0000 without a discount', () => {
    assert.equal(effectiveAnnualRate(100_000n, 0n, 16), '0.0000')
  })
})

describe('anticipationProblem: when a payment may be anticipated to a date', () => {
  const due = '2026-03-12'
  const available = { dueDate: due, anticipation: null }

  it('allows a new due date from today up to the day before the due date', () => {
    assert.equal(anticipationProblem(available, TODAY, TODAY), undefined)
    assert.equal(anticipationProblem(available, '2026-03-11', TODAY), undefined)
  })

  for (const anticipation of ['PC', 'A', 'D'] as const) {
    it(`refuses a payment that already has an anticipation (${anticipation}), on non_field_errors`, () => {
      const problem = anticipationProblem({ dueDate: due, anticipation }, TODAY, TODAY)
      assert.equal(problem?.field, 'non_field_errors')
      assert.match(problem.message, /already has an anticipation/)
    })
  }

  it('refuses a payment due today, on non_field_errors', () => {
    const problem = anticipationProblem({ dueDate: TODAY, anticipation: null }, TODAY, TODAY)
    assert.equal(problem?.field, 'non_field_errors')
    assert.match(problem.message, /due or past due/)
  })

  it('refuses a payment past due, on non_field_errors', () => {
    const problem = anticipationProblem({ dueDate: YESTERDAY, anticipation: null }, '2026-02-27', TODAY)
    assert.equal(problem?.field, 'non_field_errors')
    assert.match(problem.message, /due or past due/)
  })

  it('refuses a new due date in the past, on new_due_date', () => {
    assert.deepEqual(anticipationProblem(available, YESTERDAY, TODAY), {
      field: 'new_due_date',
      message: 'The new due date cannot be in the past.',
    })
  })

  it('refuses a new due date equal to the due date, on new_due_date', () => {
    const problem = anticipationProblem(available, due, TODAY)
    assert.equal(problem?.field, 'new_due_date')
    assert.match(problem.message, /before the payment’s due date/)
  })

  it('refuses a new due date after the due date, on new_due_date', () => {
    const problem = anticipationProblem(available, '2026-04-01', TODAY)
    assert.equal(problem?.field, 'new_due_date')
    assert.match(problem.message, /before the payment’s due date/)
  })
})

describe('the edges of the arithmetic', () => {
  it('refuses to divide by zero rather than give a number', () => {
    assert.throws(() => divideHalfEven(1n, 0n), { name: 'RangeError', message: /Division by zero/ })
  })

  it('divides by a negative denominator as by the positive one with the sign moved up', () => {
    assert.equal(divideHalfEven(7n, -2n), -4n)
    assert.equal(divideHalfEven(-7n, -2n), 4n)
  })

  it('gives an annual rate of 0.0000 for no days or no discount, never a division by zero', () => {
    assert.equal(effectiveAnnualRate(100_000n, 1_600n, 0), '0.0000')
    assert.equal(effectiveAnnualRate(100_000n, 1_600n, -3), '0.0000')
    assert.equal(effectiveAnnualRate(100_000n, 0n, 16), '0.0000')
    assert.equal(effectiveAnnualRate(100_000n, -1_600n, 16), '0.0000')
  })
})
