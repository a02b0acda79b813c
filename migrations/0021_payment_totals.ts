import { sql, type Kysely } from 'kysely'

/*
 * Totals of payments beside their counts, for statistics by month.
 *
 * The count tables (0007, 0016) keep how many payments there are per (supplier,) anticipation status,
 * due date and slot. A month's figures also need their value, and for anticipated payments the new
 * value and the days brought forward, which summing the payments themselves would read from hundreds
 * of thousands of rows. So each count row now also sums `value`, `new_value` and `anticipated_days`
 * (due_date − new_due_date) of its payments, kept by the same statement triggers in the same
 * transactions, folded by the same job.
 *
 * An anticipation's new value and new due date live on the anticipation. The triggers read only the
 * payments' transition tables, so the payment carries a copy of both (null without an anticipation),
 * written by the trigger on anticipations that already copies its status, and guarded like that copy.
 */
const EVENTS = ['insert', 'delete', 'update'] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table payments
      add column anticipation_new_value numeric(12, 2),
      add column anticipation_new_due_date date`.execute(db)
  for (const table of ['payment_counts', 'supplier_payment_counts']) {
    await sql`
      alter table ${sql.table(table)}
        add column value numeric not null default 0,
        add column new_value numeric not null default 0,
        add column anticipated_days bigint not null default 0`.execute(db)
  }
  await copyAnticipationTerms(db)
  await countTriggers(db, 'totals')
  await foldFunction(db, 'totals')
  await rebuildFunction(db, 'totals')
  await sql`select rebuild_payment_counts()`.execute(db)
}

/** The anticipation's status, new value and new due date, copied onto its payment and guarded there. */
async function copyAnticipationTerms(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger payments_anticipation_is_a_copy on payments`.execute(db)
  await sql`
    update payments p set anticipation_new_value = a.new_value, anticipation_new_due_date = a.new_due_date
    from anticipations a where a.payment_id = p.id`.execute(db)
  await sql`
    create or replace function payments_follow_anticipation() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        update payments set anticipation = 'none', anticipation_new_value = null, anticipation_new_due_date = null
        where id = old.payment_id;
        return old;
      end if;
      if tg_op = 'UPDATE' and old.payment_id <> new.payment_id then
        update payments set anticipation = 'none', anticipation_new_value = null, anticipation_new_due_date = null
        where id = old.payment_id;
      end if;
      update payments
      set anticipation = new.status, anticipation_new_value = new.new_value, anticipation_new_due_date = new.new_due_date
      where id = new.payment_id
        and (anticipation, anticipation_new_value, anticipation_new_due_date)
          is distinct from (new.status, new.new_value, new.new_due_date);
      return new;
    end $$`.execute(db)
  await sql`drop trigger anticipations_copy_status_to_payment on anticipations`.execute(db)
  await sql`
    create trigger anticipations_copy_status_to_payment
    after insert or delete or update of status, payment_id, new_value, new_due_date on anticipations
    for each row execute function payments_follow_anticipation()`.execute(db)
  // As 0019 reasoned: a payment being inserted has no anticipation yet, so it is checked without a query.
  await sql`
    create or replace function payments_anticipation_is_a_copy() returns trigger language plpgsql as $$
    declare
      actual anticipations%rowtype;
    begin
      if tg_op = 'UPDATE' then
        select * into actual from anticipations where payment_id = new.id;
      end if;
      if (coalesce(actual.status, 'none'), actual.new_value, actual.new_due_date)
         is distinct from (new.anticipation, new.anticipation_new_value, new.anticipation_new_due_date) then
        raise exception 'payment % does not carry its anticipation''s status, new value and new due date: payments.anticipation follows its anticipation',
          new.id
          using errcode = 'check_violation', constraint = 'payments_anticipation_is_a_copy';
      end if;
      return new;
    end $$`.execute(db)
  await sql`
    create trigger payments_anticipation_is_a_copy
    before insert or update of anticipation, anticipation_new_value, anticipation_new_due_date on payments
    for each row execute function payments_anticipation_is_a_copy()`.execute(db)
}

type Shape = 'totals' | 'counts'

/** What one count row adds up, per shape: with the totals of this migration, or the counts alone (0016). */
function sums(shape: Shape, sign: '' | '-') {
  const negate = sql.raw(sign)
  if (shape === 'counts') return sql`${negate}count(*) n`
  return sql`${negate}count(*) n, ${negate}sum(value) v, ${negate}coalesce(sum(anticipation_new_value), 0) nv,
    ${negate}coalesce(sum(due_date - anticipation_new_due_date), 0) d`
}

/** The statement triggers of 0016, each now also adding the totals of the rows it saw. */
async function countTriggers(db: Kysely<unknown>, shape: Shape): Promise<void> {
  const keys = sql.raw('supplier_id, anticipation, due_date')
  const changes = {
    insert: sql`select ${keys}, ${sums(shape, '')} from inserted group by 1, 2, 3`,
    delete: sql`select ${keys}, ${sums(shape, '-')} from deleted group by 1, 2, 3`,
    update:
      shape === 'counts'
        ? sql`select ${keys}, sum(n) n from (
            select ${keys}, -1 n from deleted union all select ${keys}, 1 from inserted) rows
          group by 1, 2, 3 having sum(n) <> 0`
        : sql`select ${keys}, sum(n) n, sum(v) v, sum(nv) nv, sum(d) d from (
            select ${keys}, ${sums(shape, '-')} from deleted group by 1, 2, 3
            union all select ${keys}, ${sums(shape, '')} from inserted group by 1, 2, 3) rows
          group by 1, 2, 3 having sum(n) <> 0 or sum(v) <> 0 or sum(nv) <> 0 or sum(d) <> 0`,
  }
  const columns =
    shape === 'counts'
      ? { list: sql.raw('payments'), values: sql.raw('n'), sums: sql.raw('sum(n)'), set: sql.raw('') }
      : {
          list: sql.raw('payments, value, new_value, anticipated_days'),
          values: sql.raw('n, v, nv, d'),
          sums: sql.raw('sum(n), sum(v), sum(nv), sum(d)'),
          set: sql.raw(`, value = c.value + excluded.value, new_value = c.new_value + excluded.new_value,
            anticipated_days = c.anticipated_days + excluded.anticipated_days`),
        }
  for (const event of EVENTS) {
    await sql`
      create or replace function ${sql.raw(`payments_count_${event}`)}() returns trigger language plpgsql as $$
      begin
        insert into supplier_payment_counts as c (supplier_id, anticipation, due_date, slot, ${columns.list})
        select supplier_id, anticipation, due_date, pg_backend_pid(), ${columns.values} from (${changes[event]}) changes
        on conflict (supplier_id, anticipation, due_date, slot)
        do update set payments = c.payments + excluded.payments${columns.set};
        insert into payment_counts as c (anticipation, due_date, slot, ${columns.list})
        select anticipation, due_date, pg_backend_pid(), ${columns.sums} from (${changes[event]}) changes group by 1, 2
        on conflict (anticipation, due_date, slot)
        do update set payments = c.payments + excluded.payments${columns.set};
        return null;
      end $$`.execute(db)
  }
}

/** fold_payment_counts() of 0016, moving the totals with the counts. */
async function foldFunction(db: Kysely<unknown>, shape: Shape): Promise<void> {
  const totals = shape === 'totals'
  const moved = sql.raw(totals ? 'c.payments, c.value, c.new_value, c.anticipated_days' : 'c.payments')
  const list = sql.raw(totals ? 'payments, value, new_value, anticipated_days' : 'payments')
  const summed = sql.raw(
    totals ? 'sum(payments), sum(value), sum(new_value), sum(anticipated_days)' : 'sum(payments)',
  )
  const set = sql.raw(
    totals
      ? `payments = c.payments + excluded.payments, value = c.value + excluded.value,
        new_value = c.new_value + excluded.new_value, anticipated_days = c.anticipated_days + excluded.anticipated_days`
      : 'payments = c.payments + excluded.payments',
  )
  await sql`
    create or replace function fold_payment_counts() returns integer language plpgsql as $$
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
        returning c.supplier_id, c.anticipation, c.due_date, ${moved}
      )
      insert into supplier_payment_counts as c (supplier_id, anticipation, due_date, slot, ${list})
      select supplier_id, anticipation, due_date, 0, ${summed} from removed group by 1, 2, 3
      on conflict (supplier_id, anticipation, due_date, slot) do update set ${set};
      get diagnostics moved = row_count;
      folded := folded + moved;
      with taken as (
        select anticipation, due_date, slot from payment_counts where slot <> 0 for update skip locked
      ), removed as (
        delete from payment_counts c using taken t
        where (c.anticipation, c.due_date, c.slot) = (t.anticipation, t.due_date, t.slot)
        returning c.anticipation, c.due_date, ${moved}
      )
      insert into payment_counts as c (anticipation, due_date, slot, ${list})
      select anticipation, due_date, 0, ${summed} from removed group by 1, 2
      on conflict (anticipation, due_date, slot) do update set ${set};
      get diagnostics moved = row_count;
      return folded + moved;
    end $$`.execute(db)
}

/** rebuild_payment_counts(): the count rows recomputed from the payments. */
async function rebuildFunction(db: Kysely<unknown>, shape: Shape): Promise<void> {
  const list = sql.raw(shape === 'totals' ? 'payments, value, new_value, anticipated_days' : 'payments')
  const fromPayments = sql.raw(
    shape === 'totals'
      ? `count(*), sum(value), coalesce(sum(anticipation_new_value), 0),
        coalesce(sum(due_date - anticipation_new_due_date), 0)`
      : 'count(*)',
  )
  const fromSuppliers = sql.raw(
    shape === 'totals' ? 'sum(payments), sum(value), sum(new_value), sum(anticipated_days)' : 'sum(payments)',
  )
  await sql`
    create or replace function rebuild_payment_counts() returns void language plpgsql as $$
    begin
      delete from supplier_payment_counts;
      delete from payment_counts;
      insert into supplier_payment_counts (supplier_id, anticipation, due_date, slot, ${list})
      select supplier_id, anticipation, due_date, 0, ${fromPayments}
      from payments group by 1, 2, 3;
      insert into payment_counts (anticipation, due_date, slot, ${list})
      select anticipation, due_date, 0, ${fromSuppliers} from supplier_payment_counts group by 1, 2;
    end $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await countTriggers(db, 'counts')
  await foldFunction(db, 'counts')
  await rebuildFunction(db, 'counts')
  await sql`drop trigger payments_anticipation_is_a_copy on payments`.execute(db)
  await sql`drop trigger anticipations_copy_status_to_payment on anticipations`.execute(db)
  await sql`
    create or replace function payments_follow_anticipation() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        update payments set anticipation = 'none' where id = old.payment_id;
        return old;
      end if;
      if tg_op = 'UPDATE' and old.payment_id <> new.payment_id then
        update payments set anticipation = 'none' where id = old.payment_id;
      end if;
      update payments set anticipation = new.status
      where id = new.payment_id and anticipation <> new.status;
      return new;
    end $$`.execute(db)
  await sql`
    create trigger anticipations_copy_status_to_payment
    after insert or delete or update of status, payment_id on anticipations
    for each row execute function payments_follow_anticipation()`.execute(db)
  await sql`
    create or replace function payments_anticipation_is_a_copy() returns trigger language plpgsql as $$
    declare
      actual text;
    begin
      if tg_op = 'INSERT' then
        actual := null;
      else
        select status into actual from anticipations where payment_id = new.id;
      end if;
      if coalesce(actual, 'none') <> new.anticipation then
        raise exception 'payment % has anticipation status %, not %: payments.anticipation follows its anticipation',
          new.id, coalesce(actual, 'none'), new.anticipation
          using errcode = 'check_violation', constraint = 'payments_anticipation_is_a_copy';
      end if;
      return new;
    end $$`.execute(db)
  await sql`
    create trigger payments_anticipation_is_a_copy
    before insert or update of anticipation on payments
    for each row execute function payments_anticipation_is_a_copy()`.execute(db)
  for (const table of ['payment_counts', 'supplier_payment_counts']) {
    await sql`
      alter table ${sql.table(table)}
        drop column value, drop column new_value, drop column anticipated_days`.execute(db)
  }
  await sql`
    alter table payments drop column anticipation_new_value, drop column anticipation_new_due_date`.execute(
    db,
  )
}
