import { setTimeout as sleep } from 'node:timers/promises'
import type { Database } from '../database/database.ts'
import { isDatabaseUnavailable } from '../database/errors.ts'

/** How often a worker asks whether the database is back. */
const PING_INTERVAL_MS = 250

/**
 * Runs `work`; when it fails because the database could not be reached, waits (up to `budgetMs` in
 * all) for the database to answer again and runs it again.
 *
 * Workers use it so that a database restart delays jobs instead of stranding them: a job whose
 * handler or whose settlement (pg-boss's complete or fail) failed for want of a database would stay
 * `active` until its expiry (minutes) before anyone retried it. Running again is safe for what is
 * wrapped: handlers are idempotent, and pg-boss's statements outside a transaction are its claims and
 * settlements, conditional on the job's state, so repeating one that did take effect changes nothing.
 */
export async function acrossDatabaseOutage<T>(
  database: Pick<Database, 'ping'>,
  budgetMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = performance.now() + budgetMs
  for (;;) {
    try {
      return await work()
    } catch (error) {
      if (!isDatabaseUnavailable(error) || !(await databaseBack(database, deadline))) throw error
    }
  }
}

/** True once the database answers; false when `deadline` passes first. */
async function databaseBack(database: Pick<Database, 'ping'>, deadline: number): Promise<boolean> {
  while (performance.now() < deadline) {
    await sleep(PING_INTERVAL_MS)
    try {
      await database.ping()
      return true
    } catch {
      // Still down: ask again.
    }
  }
  return false
}
