import { AppError } from '../errors.ts'

/*
 * CSV as RFC 4180 writes it, read as a stream: records come out one at a time while the bytes still
 * arrive, so a large file is never held whole. Fields are separated by commas; a field in double
 * quotes may hold commas, line breaks and doubled quotes (""). Lines end with CRLF or LF. A UTF-8 byte
 * order mark before the first field is dropped; empty lines are skipped.
 */

export interface CsvRecord {
  /** The line of the file the record starts on, from 1. */
  line: number
  fields: string[]
}

/** A record that cannot be read (a quote left open at the end of the file, a quote inside a bare field). */
export class CsvSyntaxError extends Error {
  readonly line: number
  constructor(line: number, message: string) {
    super(message)
    this.name = 'CsvSyntaxError'
    this.line = line
  }
}

type State = 'field_start' | 'bare' | 'quoted' | 'quote_in_quoted'

/** Reads records from chunks of UTF-8; more than `maxBytes` in all is a 413. */
export async function* csvRecords(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  limits: { maxBytes: number },
): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder('utf-8', { fatal: false })
  const reader = new RecordReader()
  let bytes = 0
  let first = true
  for await (const chunk of chunks) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength
    if (bytes > limits.maxBytes) {
      throw new AppError('too_large', 'file_too_large', `The file is larger than ${limits.maxBytes} bytes.`)
    }
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    if (first && text.length > 0) {
      if (text.startsWith('\uFEFF')) text = text.slice(1)
      first = false
    }
    yield* reader.push(text)
  }
  yield* reader.push(decoder.decode())
  yield* reader.end()
}

/** The state machine over characters; a record may span any number of chunks. */
class RecordReader {
  private state: State = 'field_start'
  private fields: string[] = []
  private field = ''
  private line = 1
  private recordLine = 1

  /** The records the text completes (a chunk's worth at most). */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = []
    let at = 0
    while (at < text.length) {
      // A run of ordinary characters is taken in one slice, not character by character.
      const end = this.runEnd(text, at)
      if (end > at) {
        const run = text.slice(at, end)
        this.field += run
        if (this.state === 'quoted') this.line += run.split('\n').length - 1
        else this.state = 'bare'
        at = end
        continue
      }
      const record = this.take(text.charAt(at))
      if (record) records.push(record)
      at += 1
    }
    return records
  }

  /** Where the run of characters with no meaning in the current state ends. */
  private runEnd(text: string, from: number): number {
    if (this.state === 'quote_in_quoted') return from
    if (this.state === 'quoted') {
      const quote = text.indexOf('"', from)
      return quote === -1 ? text.length : quote
    }
    let end = from
    while (end < text.length) {
      const code = text.charCodeAt(end)
      // , LF CR "
      if (code === 44 || code === 10 || code === 13 || code === 34) break
      end += 1
    }
    return end
  }

  end(): CsvRecord[] {
    if (this.state === 'quoted') throw new CsvSyntaxError(this.recordLine, 'A quoted field is never closed.')
    const record = this.finishRecord()
    return record ? [record] : []
  }

  private take(char: string): CsvRecord | undefined {
    switch (this.state) {
      case 'quoted':
        if (char === '"') this.state = 'quote_in_quoted'
        else this.field += char
        if (char === '\n') this.line += 1
        return undefined
      case 'quote_in_quoted':
        if (char === '"') {
          this.field += '"'
          this.state = 'quoted'
          return undefined
        }
        if (char === ',' || char === '\n' || char === '\r') return this.separator(char)
        throw new CsvSyntaxError(this.recordLine, 'A closing quote must end its field.')
      case 'field_start':
        if (char === '"') {
          this.state = 'quoted'
          return undefined
        }
        return this.bare(char)
      case 'bare':
        return this.bare(char)
    }
  }

  private bare(char: string): CsvRecord | undefined {
    if (char === ',' || char === '\n' || char === '\r') return this.separator(char)
    if (char === '"') throw new CsvSyntaxError(this.recordLine, 'A quote may only open a field.')
    this.field += char
    this.state = 'bare'
    return undefined
  }

  private separator(char: string): CsvRecord | undefined {
    // A CR is part of a CRLF line end; the LF that follows ends the record.
    if (char === '\r') return undefined
    this.fields.push(this.field)
    this.field = ''
    this.state = 'field_start'
    if (char === ',') return undefined
    const record = this.finishRecord(true)
    this.line += 1
    this.recordLine = this.line
    return record
  }

  private finishRecord(fieldPushed = false): CsvRecord | undefined {
    if (!fieldPushed) {
      if (this.state === 'field_start' && this.fields.length === 0) return undefined
      this.fields.push(this.field)
      this.field = ''
      this.state = 'field_start'
    }
    const fields = this.fields
    this.fields = []
    // An empty line is no record.
    if (fields.length === 1 && fields[0] === '') return undefined
    return { line: this.recordLine, fields }
  }
}
