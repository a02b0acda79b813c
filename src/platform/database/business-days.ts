import { sql, type RawBuilder } from 'kysely'
import type { Db } from './database.ts'

/*
 * Roll-ups by business day (migration 0025): a `<name>_days` table keyed by the calendar date in the
 * business time zone and a `<name>_months` table keyed by its month's first day, kept by triggers in
 * the zone `business_settings` holds. The server stores its BUSINESS_TIMEZONE there at start.
 */

/**
 * Stores the business time zone for the database's triggers; when it differs from the one stored,
 * the roll-ups are counted again in the same transaction. True when it changed.
 */
export async function recordBusinessTimeZone(db: Db, zone: string): Promise<boolean> {
  const { rows } = await sql<{ changed: boolean }>`select set_business_time_zone(${zone}) as changed`.execute(
    db,
  )
  return rows[0]?.changed ?? false
}

/**
 * The rows of a roll-up from `from` to `to` (business dates, both included) with a `month` column (its
 * first day) and the given columns: whole months as kept in `<name>_months`, and for a month the range
 * cuts, its days in the range from `<name>_days`. Several rows may share a month and keys: sum them.
 * The cut days are two ranges of the index, so that the generic plan PostgreSQL keeps for a prepared
 * statement reads only them (one range with a filter read every day of the range).
 */
export function rollupByMonth(
  name: string,
  columns: string[],
  range: { from: string; to: string },
): RawBuilder<unknown> {
  const firstWholeMonth = sql`(date_trunc('month', (${range.from}::date - 1)::timestamp) + interval '1 month')::date`
  const afterWholeMonths = sql`date_trunc('month', (${range.to}::date + 1)::timestamp)::date`
  const list = sql.raw(columns.join(', '))
  return sql`
    select month, ${list} from ${sql.table(`${name}_months`)}
    where month >= ${firstWholeMonth} and month < ${afterWholeMonths}
    union all
    select date_trunc('month', day::timestamp)::date, ${list} from ${sql.table(`${name}_days`)}
    where (day >= ${range.from}::date and day < ${firstWholeMonth})
      or (day >= ${afterWholeMonths} and day <= ${range.to}::date)`
}
