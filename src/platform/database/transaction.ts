import type { Kysely, Transaction } from 'kysely'

/** A query executor: the database itself or an open transaction (repositories accept either). */
export type Executor<Tables> = Kysely<Tables>

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export function transaction<Tables, Result>(
  db: Kysely<Tables>,
  work: (tx: Transaction<Tables>) => Promise<Result>,
): Promise<Result> {
  return db.transaction().execute(work)
}
