import { sql, type Kysely } from 'kysely'

/*
 * The ledger's counts and sums without reading every movement.
 *
 * Each module keeps, for its own movements, one row per UTC day, kind, currency and status with how
 * many movements there are and their amount in cents: billing for its charges (once paid, on the day
 * of `paid_at`) and refunds (`created_at`), the payouts for their payouts (`created_at`). Triggers per
 * statement read the statement's transition tables and add the changes in the same transaction as
 * the rows change: an insert counts its rows in, a delete counts them out, an update counts its old
 * rows out and its new rows in (a refund succeeding, a charge refunded, a payout completed).
 *
 * A writer adds to the row of its own slot (its connection's number modulo 8), so concurrent writers
 * of the same day seldom wait for each other; a total is the sum of the slots. The rows may go below
 * zero in one slot; only sums mean something.
 */

const SLOTS = 8

interface Totals {
  /** The table whose rows are counted. */
  source: string
  /** The table of day totals. */
  totals: string
  day: string
  kind: string
  currency: string
  status: string
  cents: string
  /** Which rows are movements. */
  where: string
}

const charges: Totals = {
  source: 'charges',
  totals: 'billing_day_totals',
  day: `(paid_at at time zone 'UTC')::date`,
  kind: `'booking_payment'`,
  currency: 'currency::text',
  status: 'status',
  cents: 'amount_cents',
  where: 'paid_at is not null',
}

const refunds: Totals = {
  source: 'refunds',
  totals: 'billing_day_totals',
  day: `(created_at at time zone 'UTC')::date`,
  kind: `'booking_refund'`,
  currency: 'currency::text',
  status: 'status',
  cents: 'amount_cents',
  where: 'true',
}

const payouts: Totals = {
  source: 'payouts',
  totals: 'payout_day_totals',
  day: `(created_at at time zone 'UTC')::date`,
  kind: 'purpose',
  currency: 'currency::text',
  status: 'status',
  cents: '(amount * 100)::bigint',
  where: 'true',
}

function rowsOf(spec: Totals, rows: string, sign: '' | '-'): string {
  return `select ${spec.day} as day, ${spec.kind} as kind, ${spec.currency} as currency, ${spec.status} as status,
      ${sign}count(*) as n, ${sign}sum(${spec.cents}) as cents
    from ${rows} where ${spec.where} group by 1, 2, 3, 4`
}

async function totalsTable(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`
    create table ${sql.table(table)} (
      day date not null,
      kind text not null,
      currency text not null,
      status text not null,
      slot integer not null default 0,
      movements bigint not null,
      amount_cents bigint not null,
      primary key (day, kind, currency, status, slot) include (movements, amount_cents)
    )`.execute(db)
}

async function triggers(db: Kysely<unknown>, spec: Totals): Promise<void> {
  const changes = {
    insert: rowsOf(spec, 'inserted', ''),
    delete: rowsOf(spec, 'deleted', '-'),
    update: `select day, kind, currency, status, sum(n) n, sum(cents) cents from (
        ${rowsOf(spec, 'deleted', '-')} union all ${rowsOf(spec, 'inserted', '')}) rows
      group by 1, 2, 3, 4 having sum(n) <> 0 or sum(cents) <> 0`,
  }
  for (const [event, select] of Object.entries(changes)) {
    const name = `${spec.source}_day_totals_${event}`
    await sql`
      create function ${sql.raw(name)}() returns trigger language plpgsql as $$
      begin
        insert into ${sql.raw(spec.totals)} as t (day, kind, currency, status, slot, movements, amount_cents)
        select day, kind, currency, status, pg_backend_pid() % ${sql.lit(SLOTS)}, n, cents from (${sql.raw(select)}) changes
        on conflict (day, kind, currency, status, slot) do update
        set movements = t.movements + excluded.movements, amount_cents = t.amount_cents + excluded.amount_cents;
        return null;
      end $$`.execute(db)
    const tables =
      event === 'insert'
        ? 'new table as inserted'
        : event === 'delete'
          ? 'old table as deleted'
          : 'old table as deleted new table as inserted'
    await sql`
      create trigger ${sql.raw(name)} after ${sql.raw(event)} on ${sql.raw(spec.source)}
      referencing ${sql.raw(tables)}
      for each statement execute function ${sql.raw(name)}()`.execute(db)
  }
}

/** Counts every row of `spec.source` again into slot 0 (`delete` first empties the table of totals). */
function refill(spec: Totals): string {
  return `insert into ${spec.totals} as t (day, kind, currency, status, slot, movements, amount_cents)
    select day, kind, currency, status, 0, n, cents from (${rowsOf(spec, spec.source, '')}) rows
    on conflict (day, kind, currency, status, slot) do update
    set movements = t.movements + excluded.movements, amount_cents = t.amount_cents + excluded.amount_cents;`
}

/**
 * `rebuild_billing_day_totals()` and `rebuild_payout_day_totals()`: the totals counted again from the
 * rows, for a bulk load that skipped the triggers.
 */
async function rebuildFunctions(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function rebuild_billing_day_totals() returns void language plpgsql as $$
    begin
      delete from billing_day_totals;
      ${sql.raw(refill(charges))}
      ${sql.raw(refill(refunds))}
    end $$`.execute(db)
  await sql`
    create function rebuild_payout_day_totals() returns void language plpgsql as $$
    begin
      delete from payout_day_totals;
      ${sql.raw(refill(payouts))}
    end $$`.execute(db)
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await totalsTable(db, 'billing_day_totals')
  await totalsTable(db, 'payout_day_totals')
  for (const spec of [charges, refunds, payouts]) {
    // Writers wait for the totals of the rows already there, so no change is counted twice or missed.
    await sql`lock table ${sql.raw(spec.source)} in share row exclusive mode`.execute(db)
    await triggers(db, spec)
  }
  await rebuildFunctions(db)
  await sql`select rebuild_billing_day_totals(), rebuild_payout_day_totals()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const spec of [charges, refunds, payouts]) {
    for (const event of ['insert', 'delete', 'update']) {
      const name = `${spec.source}_day_totals_${event}`
      await sql`drop trigger ${sql.raw(name)} on ${sql.raw(spec.source)}`.execute(db)
      await sql`drop function ${sql.raw(name)}()`.execute(db)
    }
  }
  await sql`drop function rebuild_billing_day_totals()`.execute(db)
  await sql`drop function rebuild_payout_day_totals()`.execute(db)
  await sql`drop table payout_day_totals`.execute(db)
  await sql`drop table billing_day_totals`.execute(db)
}
