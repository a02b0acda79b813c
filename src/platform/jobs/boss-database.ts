import { CompiledQuery } from 'kysely'
import type { Db as IDatabase } from 'pg-boss'
import type { Database } from '../database/database.ts'
import { currentTransaction, type QueryRunner } from '../database/transaction.ts'
import { acrossDatabaseOutage } from './database-outage.ts'

type Rows = { rows: Record<string, unknown>[] }

/**
 * pg-boss's view of Bureau's database: the same pool (or PGlite connection) the rest of the code
 * uses. While a transaction is open (see `transaction()`), pg-boss's statements run on it — so a job
 * enqueued there commits or rolls back with the data, and on single-connection PGlite its look-ups
 * do not wait for the connection the transaction holds.
 *
 * `outageBudgetMs` (workers): how long a statement outside a transaction waits for a database that
 * went away to come back before failing (see acrossDatabaseOutage).
 */
export function bossDatabase(database: Database, outageBudgetMs = 0): IDatabase {
  return {
    async executeSql(text, values) {
      const open = currentTransaction()
      if (open) return run(database, open, text, values)
      return acrossDatabaseOutage(database, outageBudgetMs, () => runHeld(database, text, values))
    },
  }
}

/** A statement (or script) on a connection of its own, outside any transaction of the application. */
async function runHeld(database: Database, text: string, values?: unknown[]): Promise<Rows> {
  return database.db.connection().execute(async (connection) => {
    try {
      return await run(database, connection, text, values)
    } catch (error) {
      // A failed statement of a multi-statement script (pg-boss's own BEGIN … COMMIT) leaves the
      // session inside an aborted transaction: PGlite's only one, or a pooled connection that
      // would otherwise go back to the pool and fail every statement of its next users.
      await abandonTransaction(database, connection)
      throw error
    }
  })
}

/** pg-boss statements on one executor (a transaction, or a connection held for them). */
export function bossExecutor(database: Database, executor: QueryRunner): IDatabase {
  return { executeSql: (text, values) => run(database, executor, text, values) }
}

async function run(
  database: Database,
  executor: QueryRunner,
  text: string,
  values?: unknown[],
): Promise<Rows> {
  if (database.pglite && !values?.length) {
    // Parameterless SQL from pg-boss may hold several statements; PGlite runs those only via exec().
    const results = await database.pglite.exec(text)
    return { rows: results.flatMap((result) => result.rows as Record<string, unknown>[]) }
  }
  // node-postgres sends a query without parameters over the simple protocol, which allows several
  // statements in one string.
  const result = await executor.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, values ?? []))
  return { rows: [...result.rows] }
}

async function abandonTransaction(database: Database, connection: QueryRunner): Promise<void> {
  try {
    if (database.pglite) await database.pglite.query('rollback')
    else await connection.executeQuery(CompiledQuery.raw('rollback'))
  } catch {
    // A connection that cannot even roll back is broken, and the pool drops it on release.
  }
}
