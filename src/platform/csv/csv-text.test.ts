import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { csvRecords } from './csv-records.ts'
import { csvField, csvText } from './csv-text.ts'

describe('CSV text', () => {
  it('quotes a field with a comma, a quote or a line break, doubling its quotes', () => {
    assert.equal(csvField('Hotel "Sol", Rio'), '"Hotel ""Sol"", Rio"')
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"')
    assert.equal(csvField(' padded '), '" padded "')
    assert.equal(csvField('plain'), 'plain')
  })

  it('writes numbers as they are and null as an empty field', () => {
    assert.equal(csvField(12), '12')
    assert.equal(csvField(null), '')
    assert.equal(csvField(undefined), '')
  })

  it('writes the header, then each row in the header’s order, every line ending with CRLF', () => {
    const text = csvText(
      ['b', 'a'],
      [
        { a: 1, b: 'x,y' },
        { a: null, b: 'z' },
      ],
    )
    assert.equal(text, 'b,a\r\n"x,y",1\r\nz,\r\n')
  })

  it('is read back by the CSV reader as the same fields', async () => {
    const values = ['Hotel "Sol", Rio', 'a\nb', ' x', '=1+1', 'é']
    const records: string[][] = []
    for await (const record of csvRecords(
      [
        csvText(
          ['v'],
          values.map((v) => ({ v })),
        ),
      ],
      { maxBytes: 10_000 },
    )) {
      records.push(record.fields)
    }
    assert.deepEqual(records, [['v'], ...values.map((v) => [v])])
  })
})
