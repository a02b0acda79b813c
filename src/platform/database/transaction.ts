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

/** Told when a transaction commits in the code it watches (see `watchCommits`). */
export interface CommitWatch {
  committed: boolean
}

const commitWatch = new AsyncLocalStorage<CommitWatch>()

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
export async function transaction<Tables, Result>(
  db: Kysely<Tables>,
  work: (tx: Transaction<Tables>) => Promise<Result>,
): Promise<Result> {
  const result = await db.transaction().execute((tx) => openTransaction.run(tx, () => work(tx)))
  const watch = commitWatch.getStore()
  if (watch) watch.committed = true
  return result
}

/**
 * Runs `work`, setting `watch.committed` once any transaction it opens commits: code that undoes
 * its own bookkeeping when `work` fails (an idempotency claim) must not undo it once data changed.
 */
export function watchCommits<Result>(watch: CommitWatch, work: () => Promise<Result>): Promise<Result> {
  return commitWatch.run(watch, work)
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
