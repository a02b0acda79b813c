import { CompiledQuery } from 'kysely'
import type { Db as IDatabase } from 'pg-boss'
import type { Database } from '../database/database.ts'
import { currentTransaction, type QueryRunner } from '../database/transaction.ts'

type Rows = { rows: Record<string, unknown>[] }

/**
 * pg-boss's view of Bureau's database: the same pool (or PGlite connection) the rest of the code
 * uses. While a transaction is open (see `transaction()`), pg-boss's statements run on it — so a job
 * enqueued there commits or rolls back with the data, and on single-connection PGlite its look-ups
 * do not wait for the connection the transaction holds.
 */
export function bossDatabase(database: Database): IDatabase {
  return {
    async executeSql(text, values) {
      const open = currentTransaction()
      if (open) return run(database, open, text, values)
      return database.db.connection().execute(async (connection) => {
        try {
          return await run(database, connection, text, values)
        } catch (error) {
          // A failed statement of a multi-statement script leaves PGlite's only session inside an
          // aborted transaction; a pool would have handed out another connection instead.
          if (database.pglite) await database.pglite.query('rollback').catch(() => undefined)
          throw error
        }
      })
    },
  }
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
