import { sql, type Kysely } from 'kysely'

/**
 * `payments.anticipation` is a copy of the payment's anticipation status, kept by the trigger on
 * anticipations (0007) so lists can filter by index. A copy that anything else may write can lie: a
 * payment would list as AN while its anticipation waits for a decision. This trigger refuses any
 * value that is not the anticipation's status ('none' without one), so only that trigger's writes
 * (made after the anticipation changed) get through, whoever issues the SQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function payments_anticipation_is_a_copy() returns trigger language plpgsql as $$
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
  await sql`
    create trigger payments_anticipation_is_a_copy
    before insert or update of anticipation on payments
    for each row execute function payments_anticipation_is_a_copy()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger payments_anticipation_is_a_copy on payments`.execute(db)
  await sql`drop function payments_anticipation_is_a_copy()`.execute(db)
}
