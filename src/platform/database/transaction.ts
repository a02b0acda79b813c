import { AsyncLocalStorage } from 'node:async_hooks'
import type { Kysely, QueryExecutorProvider, Transaction } from 'kysely'

/** A query executor: the database itself or an open transaction (repositories accept either). */
export type Executor<Tables> = Kysely<Tables>

/**
 * Any module's executor, as far as code that only runs compiled SQL on its connection is concerned
 * (the job queue): the tables it knows do not matter.
 */
export type QueryRunner = Pick<Kysely<object>, 'executeQuery'> & QueryExecutorProvider

const openTransaction = new AsyncLocalStorage<QueryRunner>()

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
 *
 * Inside `work`, query only through `tx`: a query on the database itself (or through another module,
 * which uses it) waits for a connection, and embedded PGlite has one — held by this transaction.
 *
 * The transaction is also remembered for the code it calls, so the job queue's own look-ups while
 * enqueuing run on it: on embedded PGlite (one connection) anything else would wait forever for the
 * connection this transaction holds.
 */
export function transaction<Tables, Result>(
  db: Kysely<Tables>,
  work: (tx: Transaction<Tables>) => Promise<Result>,
): Promise<Result> {
  return db.transaction().execute((tx) => openTransaction.run(tx, () => work(tx)))
}

/** Runs `work` with `executor` remembered as the open transaction (see `transaction()`). */
export function withOpenTransaction<Result>(
  executor: QueryRunner,
  work: () => Promise<Result>,
): Promise<Result> {
  return openTransaction.run(executor, work)
}

/** The transaction opened by `transaction()` that the current code runs inside, if any. */
export function currentTransaction(): QueryRunner | undefined {
  return openTransaction.getStore()
}
