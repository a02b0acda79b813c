import { invalid } from '../../platform/errors.ts'
import type { MovementKey } from '../../platform/ledger/movements.ts'

/*
 * The ledger's cursors: where a page by keyset starts, opaque to clients. A cursor names the last
 * movement already read by its place in the ledger's order (time to the microsecond, id, source), so
 * the next page reads only the movements after it in each source's index, however deep it is, and
 * movements written meanwhile neither repeat nor hide older ones.
 */

// Times within about 316 years of 1970, ids as PostgreSQL's bigint can hold and JS numbers exactly.
const KEY = /^(-?\d{1,16})\.(\d{1,15})\.(\d{1,3})$/

/** The cursor of the movements after `key`. */
export function encodeCursor(key: MovementKey): string {
  return Buffer.from(`${key.atMicros}.${key.id}.${key.source}`).toString('base64url')
}

/** The movement a cursor names, or undefined when the text is not one of ours. */
export function decodeCursor(cursor: string): MovementKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined
  const match = KEY.exec(Buffer.from(cursor, 'base64url').toString('latin1'))
  if (!match) return undefined
  const [, atMicros = '', id = '', source = ''] = match
  return { atMicros, id: Number(id), source: Number(source) }
}

/** `?cursor=`: the movements after the one it names; not together with `?page=` (400 on `cursor`). */
export function parseCursor(query: { cursor?: string; page?: number }): MovementKey | undefined {
  if (query.cursor === undefined) return undefined
  if (query.page !== undefined) throw invalid('cursor', 'Give either a page or a cursor, not both.')
  const key = decodeCursor(query.cursor)
  if (!key) throw invalid('cursor', 'Enter a cursor given by the ledger as `next_cursor`.')
  return key
}
