import { sql, type Kysely } from 'kysely'

/**
 * The guard of 0013 looked up a new payment's anticipation on every insert. A payment being inserted
 * cannot have one yet (an anticipation refers to an existing payment, and ids are unique), so its copy
 * must be 'none': checked without a query, which spares an index probe per row of a large import.
 * Updates are checked against the anticipation as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function payments_anticipation_is_a_copy() returns trigger language plpgsql as $$
    declare
      actual text;
    begin
      select status into actual from anticipations where payment_id = new.id;
      if coalesce(actual, 'none') <> new.anticipation then
        raise exception 'payment % has anticipation status %, not %: payments.anticipation follows its anticipation',
          new.id, coalesce(actual, 'none'), new.anticipation
          using errcode = 'check_violation', constraint = 'payments_anticipation_is_a_copy';
      end if;
      return new;
    end $$`.execute(db)
}
