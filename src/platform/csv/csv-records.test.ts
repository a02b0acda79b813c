import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../errors.ts'
import { csvRecords, CsvSyntaxError, type CsvRecord } from './csv-records.ts'

async function read(chunks: (string | Uint8Array)[], maxBytes = 1_000_000): Promise<CsvRecord[]> {
  const records: CsvRecord[] = []
  for await (const record of csvRecords(chunks, { maxBytes })) records.push(record)
  return records
}

describe('csvRecords', () => {
  it('reads records with the line each starts on, LF or CRLF, with or without a final line end', async () => {
    assert.deepEqual(await read(['a,b\r\nc,d\ne,f']), [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
    ])
    assert.deepEqual(await read(['a,b\r\n']), [{ line: 1, fields: ['a', 'b'] }])
  })

  it('keeps commas, line breaks and doubled quotes inside quoted fields, and counts their lines', async () => {
    assert.deepEqual(await read(['"1,5","say ""hi""","two\r\nlines"\nx,y,z\n']), [
      { line: 1, fields: ['1,5', 'say "hi"', 'two\r\nlines'] },
      { line: 3, fields: ['x', 'y', 'z'] },
    ])
  })

  it('drops a byte order mark and skips empty lines', async () => {
    assert.deepEqual(await read(['\uFEFFa,b\n\n\nc,d\n\n']), [
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['c', 'd'] },
    ])
  })

  it('reads a record split anywhere across chunks, a multi-byte character included', async () => {
    const bytes = new TextEncoder().encode('\uFEFFnome,"São, Paulo"\r\nb,c\r\n')
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte))
    assert.deepEqual(await read(chunks), [
      { line: 1, fields: ['nome', 'São, Paulo'] },
      { line: 2, fields: ['b', 'c'] },
    ])
  })

  it('keeps empty fields, a trailing one included', async () => {
    assert.deepEqual(await read(['a,,b,\n']), [{ line: 1, fields: ['a', '', 'b', ''] }])
  })

  it('refuses a quote left open, and a quote inside a bare field, naming the line', async () => {
    await assert.rejects(
      read(['a,b\n"open,c\n']),
      (error) => error instanceof CsvSyntaxError && error.line === 2,
    )
    await assert.rejects(read(['a,b"c\n']), (error) => error instanceof CsvSyntaxError && error.line === 1)
    await assert.rejects(read(['"a"b,c\n']), CsvSyntaxError)
  })

  it('stops with a 413 once more than the byte limit arrived', async () => {
    await assert.rejects(
      read(['a,b\n', 'c,d\n'], 5),
      (error) => error instanceof AppError && error.kind === 'too_large',
    )
  })
})
