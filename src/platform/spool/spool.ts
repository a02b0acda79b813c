import { once } from 'node:events'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { createInterface } from 'node:readline'

/*
 * A spool: records written one by one to a temporary file, then read back in the same order. Work on
 * more records than a process should hold at once (an imported file's checked rows) keeps them here
 * between one pass and the next, in constant memory. Records are JSON values, one per line.
 */

/** Bytes of records gathered before one write to the file. */
const FLUSH_AT = 64 * 1024

export interface Spool<T> {
  /** Adds a record at the end; waits when the file is slower than the writer. */
  write(record: T): Promise<void>
  /** How many records were written. */
  readonly count: number
  /** The records in the order written; no more may be written once reading starts. */
  read(): AsyncGenerator<T>
  /** Removes the file; safe to call twice, and after a failure. */
  close(): Promise<void>
}

/** A new, empty spool in its own folder under the system's temporary directory. */
export async function createSpool<T>(): Promise<Spool<T>> {
  const folder = await mkdtemp(join(tmpdir(), 'bureau-spool-'))
  const path = join(folder, 'records.jsonl')
  const out: WriteStream = createWriteStream(path)
  // An error of the file (a full disk) is thrown by the next write or by read(), not left unhandled.
  let failure: Error | undefined
  out.on('error', (error) => {
    failure = error
  })
  let pending = ''
  let count = 0
  let writing = true

  async function flush(): Promise<void> {
    if (failure) throw failure
    if (pending === '') return
    const text = pending
    pending = ''
    if (!out.write(text)) await once(out, 'drain')
  }

  return {
    get count() {
      return count
    },
    async write(record) {
      if (!writing) throw new Error('This spool is being read: nothing more can be written to it.')
      pending += `${JSON.stringify(record)}\n`
      count += 1
      if (pending.length >= FLUSH_AT) await flush()
    },
    async *read() {
      if (writing) {
        writing = false
        await flush()
        out.end()
        await finished(out)
      }
      const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
      for await (const line of lines) yield JSON.parse(line) as T
    },
    async close() {
      writing = false
      out.destroy()
      await rm(folder, { recursive: true, force: true })
    },
  }
}
