import { createHash } from 'node:crypto'
import type pg from 'pg'

/*
 * Each distinct parameterised statement is prepared once per connection and then only executed, as
 * `pgbench -M prepared` does: PostgreSQL parses and plans it once per connection instead of on every
 * request (planning was a third of the database's time on the list endpoints). Statements without
 * parameters (BEGIN, COMMIT, multi-statement scripts) still go through the simple protocol.
 */

/** Distinct statements prepared per connection at most; any beyond run unprepared. */
const MAX_PREPARED_PER_CONNECTION = 500

const names = new Map<string, string>()

function statementName(text: string): string {
  let name = names.get(text)
  if (name === undefined) {
    name = `b${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    // Bounded: the texts are the application's own statements, but `in (…)` lists vary in length.
    if (names.size >= 10_000) names.clear()
    names.set(text, name)
  }
  return name
}

/** A prepared statement whose result columns changed under it (a migration), which PostgreSQL refuses. */
function isStalePlan(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change')
}

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>

/** Makes every client of `pool` prepare its parameterised statements (see above). */
export function prepareStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const prepared = new Set<string>()
    const stale = new Set<string>()
    // pg's query() has many overloads; the wrapper handles the one Kysely and pg-boss use
    // (text + values, promise) and hands every other form over untouched.
    const original = client.query.bind(client) as (...args: unknown[]) => unknown
    const query = (...args: unknown[]): unknown => {
      const [text, values, callback] = args
      if (
        typeof text !== 'string' ||
        !Array.isArray(values) ||
        values.length === 0 ||
        callback !== undefined
      ) {
        return original(...args)
      }
      const name = statementName(text)
      if (stale.has(name) || (!prepared.has(name) && prepared.size >= MAX_PREPARED_PER_CONNECTION)) {
        return original(text, values)
      }
      prepared.add(name)
      return (original({ name, text, values }) as Promise<pg.QueryResult>).catch((error: unknown) => {
        if (!isStalePlan(error)) throw error
        // This connection's copy of the statement cannot be used any more; run it unprepared from now on.
        stale.add(name)
        return (original as Query)(text, values)
      })
    }
    client.query = query as typeof client.query
  })
}
