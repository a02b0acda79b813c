import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { amountOf, centsOf, monthsOf, seriesBy } from '../src/features/statistics/chart-data.ts'
import { niceStep } from '../src/ui/bar-chart-scale.ts'

describe('chart figures from report rows', () => {
  it('reads money strings as whole cents and writes them back, signs and single decimals included', () => {
    assert.deepEqual(['1250.50', '0.07', '-3.10', '12', '984.5'].map(centsOf), [125050, 7, -310, 1200, 98450])
    assert.deepEqual([125050, 7, -310, 0].map(amountOf), ['1250.50', '0.07', '-3.10', '0.00'])
  })

  it('keeps cents exact where floats would not (0.10 + 0.20)', () => {
    assert.equal(amountOf(centsOf('0.10') + centsOf('0.20')), '0.30')
  })

  it('sums a series per month and key, leaving out series with nothing in any month', () => {
    const rows = [
      { month: '2026-01', status: 'A', total: '10.00' },
      { month: '2026-01', status: 'A', total: '5.50' },
      { month: '2026-01', status: 'D', total: '0.00' },
      { month: '2026-02', status: 'A', total: '0.00' },
      { month: '2026-02', status: 'D', total: '0.00' },
    ]
    const months = monthsOf(rows)
    assert.deepEqual(months, ['2026-01', '2026-02'])
    assert.deepEqual(
      seriesBy(
        rows,
        months,
        (row) => row.status,
        (row) => centsOf(row.total),
      ),
      [{ name: 'A', values: [1550, 0] }],
    )
  })
})

describe('the value axis of a bar chart', () => {
  it('steps by 1, 2 or 5 times a power of ten, about four steps to the top', () => {
    assert.deepEqual(
      [4, 7, 30, 250, 1000, 12345].map((max) => niceStep(max)),
      [1, 2, 10, 100, 500, 5000],
    )
  })

  it('steps by at least one for counts, which have no halves', () => {
    assert.equal(niceStep(1), 0.5)
    assert.equal(niceStep(1, true), 1)
    assert.equal(niceStep(0, true), 1)
  })
})
