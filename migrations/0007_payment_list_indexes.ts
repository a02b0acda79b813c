import { sql, type Kysely } from 'kysely'

/*
 * Lists of payments that stay fast at any size.
 *
 * A payment's status is derived from its due date, today and its anticipation's status. Joining
 * anticipations to filter on that status cannot use an index, so the anticipation's status is kept on
 * the payment as well (`payments.anticipation`, 'none' without one), by a trigger on anticipations: whatever writes
 * an anticipation, the copy follows in the same transaction. Every status filter is then a condition on
 * payments' own columns, served by index ranges in list order (due_date, id).
 *
 * Counts: a list's count would otherwise read every matching index entry (a million for an operator).
 * `payment_counts` keeps how many payments there are per (anticipation status, due date), and
 * `supplier_payment_counts` the same per supplier, maintained by a trigger on payments. A count then
 * sums at most one row per due date and status, however many payments there are, from the primary
 * key's index alone (it includes the count).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A supplier is its user and company for good: the application may then remember the link.
  await sql`
    create function suppliers_are_permanent() returns trigger language plpgsql as $$
    begin
      raise exception 'a supplier''s user and company cannot be changed, nor the supplier deleted'
        using errcode = 'integrity_constraint_violation';
    end $$`.execute(db)
  await sql`
    create trigger suppliers_are_permanent before delete or update of user_id, company_id on suppliers
    for each row execute function suppliers_are_permanent()`.execute(db)

  await sql`
    alter table payments add column anticipation text not null default 'none'
      check (anticipation in ('none', 'PC', 'A', 'D'))`.execute(db)
  await sql`
    update payments p set anticipation = a.status
    from anticipations a where a.payment_id = p.id`.execute(db)

  await sql`
    create function payments_follow_anticipation() returns trigger language plpgsql as $$
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

  // Lists in order (due_date, id), one index range per anticipation status (an equality, so each
  // range is in due_date, id order): a status filter reads the ranges it covers, merged in order, and a
  // supplier's whole list merges all four; an operator's whole list keeps the (due_date, id) index. So
  // payments need no index per filter, and an anticipation's change rewrites four index entries of its
  // payment rather than one per filter.
  await sql`drop index payments_supplier_due_date_id_idx`.execute(db)
  await sql`create index payments_anticipation_due_date_id_idx on payments (anticipation, due_date, id)`.execute(
    db,
  )
  await sql`
    create index payments_supplier_anticipation_due_date_id_idx
    on payments (supplier_id, anticipation, due_date, id)`.execute(db)

  await sql`
    create table payment_counts (
      anticipation text not null check (anticipation in ('none', 'PC', 'A', 'D')),
      due_date date not null,
      payments integer not null check (payments >= 0),
      primary key (anticipation, due_date) include (payments)
    )`.execute(db)
  await sql`
    create table supplier_payment_counts (
      supplier_id bigint not null references suppliers (id),
      anticipation text not null check (anticipation in ('none', 'PC', 'A', 'D')),
      due_date date not null,
      payments integer not null check (payments >= 0),
      primary key (supplier_id, anticipation, due_date) include (payments)
    )`.execute(db)
  await sql`
    create function count_payment(p_supplier bigint, p_status text, p_due date, p_delta integer)
    returns void language plpgsql as $$
    begin
      -- A removal updates the existing row (the check would refuse a negative row before the upsert).
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
  await sql`
    create function rebuild_payment_counts() returns void language plpgsql as $$
    begin
      delete from supplier_payment_counts;
      delete from payment_counts;
      insert into supplier_payment_counts (supplier_id, anticipation, due_date, payments)
      select supplier_id, anticipation, due_date, count(*)
      from payments group by 1, 2, 3;
      insert into payment_counts (anticipation, due_date, payments)
      select anticipation, due_date, sum(payments) from supplier_payment_counts group by 1, 2;
    end $$`.execute(db)
  await sql`select rebuild_payment_counts()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger payments_keep_counts on payments`.execute(db)
  await sql`drop function payments_keep_counts()`.execute(db)
  await sql`drop function rebuild_payment_counts()`.execute(db)
  await sql`drop function count_payment(bigint, text, date, integer)`.execute(db)
  await sql`drop table supplier_payment_counts`.execute(db)
  await sql`drop table payment_counts`.execute(db)
  await sql`drop index payments_supplier_anticipation_due_date_id_idx`.execute(db)
  await sql`drop index payments_anticipation_due_date_id_idx`.execute(db)
  await sql`create index payments_supplier_due_date_id_idx on payments (supplier_id, due_date, id)`.execute(
    db,
  )
  await sql`drop trigger anticipations_copy_status_to_payment on anticipations`.execute(db)
  await sql`drop function payments_follow_anticipation()`.execute(db)
  await sql`alter table payments drop column anticipation`.execute(db)
  await sql`drop trigger suppliers_are_permanent on suppliers`.execute(db)
  await sql`drop function suppliers_are_permanent()`.execute(db)
}
