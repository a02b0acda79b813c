import { sql, type Kysely } from 'kysely'

/*
 * Counts of payments without a hot row.
 *
 * Until now a payment's insert, an anticipation and a decision updated the one row of
 * `payment_counts` and of `supplier_payment_counts` for their (supplier,) status and due date, and held
 * its lock until commit: writes for one supplier and one due date (an ERP's month-end batch) queued
 * behind each other. And the trigger ran per row, so one INSERT of many payments due the same day
 * updated the same row once per payment.
 *
 * Now each count row also has a `slot`. Slot 0 holds the folded total; a writing transaction adds its
 * changes to the slot named after its own database connection (`pg_backend_pid()`), which no
 * concurrent transaction shares, so writers never wait for each other. The triggers are per statement
 * and read the statement's transition tables: one INSERT of 100 000 payments adds one row per
 * (supplier, status, due date) it touches. A count is still the sum of the rows of its range (slots
 * included), in one index-only scan. `fold_payment_counts()` (a job, every minute) moves the slots
 * into slot 0, so the rows a count reads stay about one per status and due date.
 *
 * A slot may go below zero (a payment counted in one slot and re-counted in another); only sums mean
 * something, so the `payments >= 0` checks go.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger payments_keep_counts on payments`.execute(db)
  await sql`drop function payments_keep_counts()`.execute(db)
  await sql`drop function count_payment(bigint, text, date, integer)`.execute(db)

  for (const table of ['payment_counts', 'supplier_payment_counts']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_payments_check`)}`.execute(
      db,
    )
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_pkey`)}`.execute(db)
    await sql`alter table ${sql.table(table)} add column slot integer not null default 0`.execute(db)
  }
  await sql`alter table payment_counts add primary key (anticipation, due_date, slot) include (payments)`.execute(
    db,
  )
  // Counts are derived from payments, whose own foreign key checks the supplier: checking it again
  // would lock the supplier's row once more per write.
  await sql`alter table supplier_payment_counts drop constraint supplier_payment_counts_supplier_id_fkey`.execute(
    db,
  )
  await sql`
    alter table supplier_payment_counts
    add primary key (supplier_id, anticipation, due_date, slot) include (payments)`.execute(db)

  await countTriggers(db)
  await foldAndRebuild(db)
}

/**
 * One trigger per statement kind, each reading the rows the statement changed. An update counts its
 * old rows out and its new rows in; rows whose supplier, status and due date did not change cancel.
 */
async function countTriggers(db: Kysely<unknown>): Promise<void> {
  const changes = {
    INSERT: sql.raw(`select supplier_id, anticipation, due_date, count(*) n from inserted group by 1, 2, 3`),
    DELETE: sql.raw(`select supplier_id, anticipation, due_date, -count(*) n from deleted group by 1, 2, 3`),
    UPDATE: sql.raw(`select supplier_id, anticipation, due_date, sum(n) n from (
        select supplier_id, anticipation, due_date, -1 n from deleted
        union all select supplier_id, anticipation, due_date, 1 from inserted) rows
      group by 1, 2, 3 having sum(n) <> 0`),
  }
  for (const [event, select] of Object.entries(changes)) {
    const name = `payments_count_${event.toLowerCase()}`
    await sql`
      create function ${sql.raw(name)}() returns trigger language plpgsql as $$
      begin
        insert into supplier_payment_counts as c (supplier_id, anticipation, due_date, slot, payments)
        select supplier_id, anticipation, due_date, pg_backend_pid(), n from (${select}) changes
        on conflict (supplier_id, anticipation, due_date, slot) do update set payments = c.payments + excluded.payments;
        insert into payment_counts as c (anticipation, due_date, slot, payments)
        select anticipation, due_date, pg_backend_pid(), sum(n) from (${select}) changes group by 1, 2
        on conflict (anticipation, due_date, slot) do update set payments = c.payments + excluded.payments;
        return null;
      end $$`.execute(db)
    const tables =
      event === 'INSERT'
        ? 'new table as inserted'
        : event === 'DELETE'
          ? 'old table as deleted'
          : 'old table as deleted new table as inserted'
    await sql`
      create trigger ${sql.raw(name)} after ${sql.raw(event.toLowerCase())} on payments
      referencing ${sql.raw(tables)}
      for each statement execute function ${sql.raw(name)}()`.execute(db)
  }
}

async function foldAndRebuild(db: Kysely<unknown>): Promise<void> {
  // Rows a writer holds (its transaction still open) are left for the next fold, so the fold never
  // waits for a writer; one fold at a time (the advisory lock), the others return at once.
  await sql`
    create function fold_payment_counts() returns integer language plpgsql as $$
    declare
      folded integer := 0;
      moved integer;
    begin
      if not pg_try_advisory_xact_lock(hashtext('fold_payment_counts')) then
        return 0;
      end if;
      with taken as (
        select supplier_id, anticipation, due_date, slot from supplier_payment_counts
        where slot <> 0 for update skip locked
      ), removed as (
        delete from supplier_payment_counts c using taken t
        where (c.supplier_id, c.anticipation, c.due_date, c.slot) = (t.supplier_id, t.anticipation, t.due_date, t.slot)
        returning c.supplier_id, c.anticipation, c.due_date, c.payments
      )
      insert into supplier_payment_counts as c (supplier_id, anticipation, due_date, slot, payments)
      select supplier_id, anticipation, due_date, 0, sum(payments) from removed group by 1, 2, 3
      on conflict (supplier_id, anticipation, due_date, slot) do update set payments = c.payments + excluded.payments;
      get diagnostics moved = row_count;
      folded := folded + moved;
      with taken as (
        select anticipation, due_date, slot from payment_counts where slot <> 0 for update skip locked
      ), removed as (
        delete from payment_counts c using taken t
        where (c.anticipation, c.due_date, c.slot) = (t.anticipation, t.due_date, t.slot)
        returning c.anticipation, c.due_date, c.payments
      )
      insert into payment_counts as c (anticipation, due_date, slot, payments)
      select anticipation, due_date, 0, sum(payments) from removed group by 1, 2
      on conflict (anticipation, due_date, slot) do update set payments = c.payments + excluded.payments;
      get diagnostics moved = row_count;
      return folded + moved;
    end $$`.execute(db)
  await sql`
    create or replace function rebuild_payment_counts() returns void language plpgsql as $$
    begin
      delete from supplier_payment_counts;
      delete from payment_counts;
      insert into supplier_payment_counts (supplier_id, anticipation, due_date, slot, payments)
      select supplier_id, anticipation, due_date, 0, count(*)
      from payments group by 1, 2, 3;
      insert into payment_counts (anticipation, due_date, slot, payments)
      select anticipation, due_date, 0, sum(payments) from supplier_payment_counts group by 1, 2;
    end $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const event of ['insert', 'delete', 'update']) {
    await sql`drop trigger ${sql.raw(`payments_count_${event}`)} on payments`.execute(db)
    await sql`drop function ${sql.raw(`payments_count_${event}`)}()`.execute(db)
  }
  await sql`drop function fold_payment_counts()`.execute(db)
  await sql`delete from supplier_payment_counts`.execute(db)
  await sql`delete from payment_counts`.execute(db)
  for (const table of ['payment_counts', 'supplier_payment_counts']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_pkey`)}`.execute(db)
    await sql`alter table ${sql.table(table)} drop column slot`.execute(db)
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_payments_check`)} check (payments >= 0)`.execute(
      db,
    )
  }
  await sql`alter table payment_counts add primary key (anticipation, due_date) include (payments)`.execute(
    db,
  )
  await sql`
    alter table supplier_payment_counts
    add primary key (supplier_id, anticipation, due_date) include (payments),
    add constraint supplier_payment_counts_supplier_id_fkey foreign key (supplier_id) references suppliers (id)`.execute(
    db,
  )
  await sql`
    create or replace function rebuild_payment_counts() returns void language plpgsql as $$
    begin
      delete from supplier_payment_counts;
      delete from payment_counts;
      insert into supplier_payment_counts (supplier_id, anticipation, due_date, payments)
      select supplier_id, anticipation, due_date, count(*)
      from payments group by 1, 2, 3;
      insert into payment_counts (anticipation, due_date, payments)
      select anticipation, due_date, sum(payments) from supplier_payment_counts group by 1, 2;
    end $$`.execute(db)
  await restoreRowTriggers(db)
  await sql`select rebuild_payment_counts()`.execute(db)
}

/** The per-row trigger of 0007, as it was. */
async function restoreRowTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function count_payment(p_supplier bigint, p_status text, p_due date, p_delta integer)
    returns void language plpgsql as $$
    begin
      if p_delta < 0 then
        update supplier_payment_counts set payments = payments + p_delta
        where supplier_id = p_supplier and anticipation = p_status and due_date = p_due;
        update payment_counts set payments = payments + p_delta
        where anticipation = p_status and due_date = p_due;
        return;
      end if;
      insert into supplier_payment_counts as c (supplier_id, anticipation, due_date, payments)
      values (p_supplier, p_status, p_due, p_delta)
      on conflict (supplier_id, anticipation, due_date) do update set payments = c.payments + excluded.payments;
      insert into payment_counts as c (anticipation, due_date, payments)
      values (p_status, p_due, p_delta)
      on conflict (anticipation, due_date) do update set payments = c.payments + excluded.payments;
    end $$`.execute(db)
  await sql`
    create function payments_keep_counts() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.supplier_id = new.supplier_id and old.due_date = new.due_date
         and old.anticipation = new.anticipation then
        return new;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform count_payment(old.supplier_id, old.anticipation, old.due_date, -1);
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        perform count_payment(new.supplier_id, new.anticipation, new.due_date, 1);
      end if;
      return null;
    end $$`.execute(db)
  await sql`
    create trigger payments_keep_counts
    after insert or delete or update of supplier_id, due_date, anticipation on payments
    for each row execute function payments_keep_counts()`.execute(db)
}
