import { sql, type Kysely } from 'kysely'
import { Type } from 'typebox'
import { transaction } from '../database/transaction.ts'
import { defineJob, type JobDefinition } from '../jobs/jobs.ts'

/*
 * Folding a ledger's day totals. Writers add their changes to the row of their own slot (their
 * connection's number modulo 8, migration 0024), so a day may gather up to eight rows per kind,
 * currency and status, and more again after every fold. A fold moves every slot row into one row
 * per group, in the slot writers never use, so the totals a count or a summary sums stay about one
 * row per group.
 *
 * Each slot row is deleted and its amounts added to the folded row in one statement, in one
 * transaction: a row is folded at most once whoever else folds, because a deleted row is not deleted
 * again, and its amounts count once, in the slot row or in the folded one, never in both. The fold
 * takes only the slot rows no writer holds (`skip locked`) and adds them to a slot no writer uses, so
 * it never waits for a writer while holding rows a writer may want (the payment counts' fold adds to
 * slot 0, which writers share); a transaction-level advisory lock lets one fold of a table run at a
 * time (a second one returns at once), so two folds never wait for each other's folded rows either.
 * The same statement adds the folded amounts to their month's totals (migration 0028), which are
 * therefore always the sum of the folded rows of the month.
 */

/** The slot of folded totals: writers use 0 to 7. */
export const FOLDED_SLOT = 8

/** Every 10 minutes. */
const FOLD_CRON = '*/10 * * * *'

/** The tables of day totals (migration 0024). */
export type DayTotalsTable = 'billing_day_totals' | 'payout_day_totals'

/**
 * Each table's month totals (migration 0028): what its folded rows add up to by month, written in
 * the statement that folds them, so the two always agree.
 */
export const MONTH_TOTALS = {
  billing_day_totals: 'billing_month_totals',
  payout_day_totals: 'payout_month_totals',
} as const satisfies Record<DayTotalsTable, string>

/**
 * Folds `table`'s slot rows into one row per day, kind, currency and status; returns how many slot
 * rows were folded (0 when another fold of the table was running). Groups that add up to nothing
 * leave no row.
 */
export async function foldDayTotals<Tables>(db: Kysely<Tables>, table: DayTotalsTable): Promise<number> {
  const totals = sql.table(table)
  const monthTotals = sql.table(MONTH_TOTALS[table])
  return transaction(db, async (tx) => {
    const lock = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtext(${`fold ${table}`})) as locked`.execute(tx)
    if (!lock.rows[0]?.locked) return 0
    const folded = await sql<{ rows: number }>`
      with picked as (
        select ctid from ${totals} where slot <> ${FOLDED_SLOT} for update skip locked
      ), taken as (
        delete from ${totals} t where t.ctid in (select ctid from picked)
        returning t.day, t.kind, t.currency, t.status, t.movements, t.amount_cents
      ), added as (
        insert into ${totals} as t (day, kind, currency, status, slot, movements, amount_cents)
        select day, kind, currency, status, ${FOLDED_SLOT}, sum(movements), sum(amount_cents)
        from taken group by day, kind, currency, status
        on conflict (day, kind, currency, status, slot) do update
        set movements = t.movements + excluded.movements, amount_cents = t.amount_cents + excluded.amount_cents
        returning 1
      ), months as (
        insert into ${monthTotals} as m (month, kind, currency, status, movements, amount_cents)
        select date_trunc('month', day)::date, kind, currency, status, sum(movements), sum(amount_cents)
        from taken group by 1, 2, 3, 4
        on conflict (month, kind, currency, status) do update
        set movements = m.movements + excluded.movements, amount_cents = m.amount_cents + excluded.amount_cents
        returning 1
      )
      select (select count(*) from taken)::int as rows
      where (select count(*) from added) >= 0 and (select count(*) from months) >= 0`.execute(tx)
    await sql`
      delete from ${totals}
      where slot = ${FOLDED_SLOT} and movements = 0 and amount_cents = 0`.execute(tx)
    await sql`delete from ${monthTotals} where movements = 0 and amount_cents = 0`.execute(tx)
    return folded.rows[0]?.rows ?? 0
  })
}

/** The job that folds `table` on a schedule (each occurrence runs once, whatever the workers). */
export function foldDayTotalsJob<Tables>(
  name: string,
  db: Kysely<Tables>,
  table: DayTotalsTable,
): JobDefinition {
  return defineJob({
    name,
    payload: Type.Object({}),
    cron: FOLD_CRON,
    // The next occurrence folds what this one left.
    retryLimit: 2,
    handle: async (_payload, { logger }) => {
      logger.info({ table, folded: await foldDayTotals(db, table) }, 'ledger day totals folded')
    },
  })
}
