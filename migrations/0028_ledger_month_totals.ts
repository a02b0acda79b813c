import { sql, type Kysely } from 'kysely'

/*
 * The ledger's counts and sums of whole months in one row per month, kind, currency and status.
 *
 * Day totals (migration 0024) are one row per UTC day and group once folded: two years of the ledger
 * are some 2 300 rows, which every page's count summed. Month totals hold what the folded day rows
 * (slot 8) of each month add up to, kept so by the fold itself: the statement that moves slot rows
 * into the folded slot adds them to their month in the same transaction, and nothing else writes
 * the folded slot. So a range reads the month totals of the months it holds whole, the day rows not
 * folded yet of those months (a partial index finds them), and every day row of the days at its
 * edges: the same sums, from about a thirtieth of the rows.
 *
 * `rebuild_billing_day_totals()` and `rebuild_payout_day_totals()` (for bulk loads that skip the
 * triggers) now leave every day row folded and the month totals counted from them.
 */

const FOLDED_SLOT = 8
const TABLES = [
  { days: 'billing_day_totals', months: 'billing_month_totals', rebuild: 'rebuild_billing_day_totals' },
  { days: 'payout_day_totals', months: 'payout_month_totals', rebuild: 'rebuild_payout_day_totals' },
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`
      create table ${sql.table(table.months)} (
        month date not null check (extract(day from month) = 1),
        kind text not null,
        currency text not null,
        status text not null,
        movements bigint not null,
        amount_cents bigint not null,
        primary key (month, kind, currency, status) include (movements, amount_cents)
      )`.execute(db)
    await sql`
      create index ${sql.raw(`${table.days}_unfolded_idx`)} on ${sql.table(table.days)} (day)
      where slot <> ${sql.lit(FOLDED_SLOT)}`.execute(db)
    // Writers and folds wait while the months are counted from the folded rows.
    await sql`lock table ${sql.table(table.days)} in share row exclusive mode`.execute(db)
    await sql`${sql.raw(monthsFromFolded(table))}`.execute(db)
    await sql`alter function ${sql.raw(table.rebuild)}() rename to ${sql.raw(`count_${table.days}`)}`.execute(
      db,
    )
    await sql`
      create function ${sql.raw(table.rebuild)}() returns void language plpgsql as $$
      begin
        perform ${sql.raw(`count_${table.days}`)}();
        update ${sql.raw(table.days)} set slot = ${sql.lit(FOLDED_SLOT)};
        delete from ${sql.raw(table.months)};
        ${sql.raw(monthsFromFolded(table))};
      end $$`.execute(db)
  }
}

/** Month totals counted from the folded day rows. */
function monthsFromFolded(table: { days: string; months: string }): string {
  return `insert into ${table.months} (month, kind, currency, status, movements, amount_cents)
    select date_trunc('month', day)::date, kind, currency, status, sum(movements), sum(amount_cents)
    from ${table.days} where slot = ${FOLDED_SLOT}
    group by 1, 2, 3, 4
    having sum(movements) <> 0 or sum(amount_cents) <> 0`
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`drop function ${sql.raw(table.rebuild)}()`.execute(db)
    await sql`alter function ${sql.raw(`count_${table.days}`)}() rename to ${sql.raw(table.rebuild)}`.execute(
      db,
    )
    await sql`drop index ${sql.raw(`${table.days}_unfolded_idx`)}`.execute(db)
    await sql`drop table ${sql.table(table.months)}`.execute(db)
  }
}
