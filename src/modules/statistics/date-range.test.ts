import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../platform/errors.ts'
import { addMonths, daysInRange, isDate, monthsOf, parseRange } from './date-range.ts'

function fieldErrors(run: () => unknown): Record<string, string[]> {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof AppError && error.fieldErrors)
    return error.fieldErrors
  }
  assert.fail('expected a validation error')
}

describe('the range of a report', () => {
  it('defaults to the first of the month 11 months ago through today', () => {
    assert.deepEqual(parseRange({}, '2026-03-02'), { from: '2025-04-01', to: '2026-03-02' })
    assert.deepEqual(parseRange({}, '2026-12-31'), { from: '2026-01-01', to: '2026-12-31' })
  })

  it('a lone `to` moves the default start with it; a lone `from` runs to today', () => {
    assert.deepEqual(parseRange({ to: '2025-01-15' }, '2026-03-02'), { from: '2024-02-01', to: '2025-01-15' })
    assert.deepEqual(parseRange({ from: '2026-01-01' }, '2026-03-02'), {
      from: '2026-01-01',
      to: '2026-03-02',
    })
  })

  it('includes both ends; from after to names `to`', () => {
    assert.deepEqual(parseRange({ from: '2026-03-01', to: '2026-03-01' }, '2026-03-02'), {
      from: '2026-03-01',
      to: '2026-03-01',
    })
    assert.deepEqual(
      Object.keys(fieldErrors(() => parseRange({ from: '2026-03-02', to: '2026-03-01' }, '2026-03-02'))),
      ['to'],
    )
  })

  it('is at most 5 years: the day before the fifth anniversary is the last day allowed', () => {
    assert.ok(parseRange({ from: '2020-02-29', to: '2025-02-28' }, '2026-03-02'))
    assert.deepEqual(
      Object.keys(fieldErrors(() => parseRange({ from: '2020-02-29', to: '2025-03-01' }, '2026-03-02'))),
      ['to'],
    )
    assert.deepEqual(
      Object.keys(fieldErrors(() => parseRange({ from: '2021-01-01', to: '2026-01-01' }, '2026-03-02'))),
      ['to'],
    )
  })

  it('reports every date that is not a calendar date at once', () => {
    assert.deepEqual(
      Object.keys(fieldErrors(() => parseRange({ from: '2026-02-29', to: '2026-1-5' }, '2026-03-02'))),
      ['from', 'to'],
    )
  })
})

describe('calendar helpers', () => {
  it('knows real dates', () => {
    assert.equal(isDate('2024-02-29'), true)
    assert.equal(isDate('2025-02-29'), false)
    assert.equal(isDate('2025-04-31'), false)
    assert.equal(isDate('2025-4-30'), false)
  })

  it('moves months across years both ways', () => {
    assert.equal(addMonths('2026-03', -11), '2025-04')
    assert.equal(addMonths('2025-12', 1), '2026-01')
    assert.equal(addMonths('2026-01', -1), '2025-12')
  })

  it('lists every month a range touches, and the days of each inside it', () => {
    const range = { from: '2025-12-30', to: '2026-02-02' }
    assert.deepEqual(monthsOf(range), ['2025-12', '2026-01', '2026-02'])
    assert.deepEqual(
      monthsOf(range).map((month) => daysInRange(month, range)),
      [2, 31, 2],
    )
    assert.equal(daysInRange('2024-02', { from: '2024-01-01', to: '2024-12-31' }), 29)
  })
})
