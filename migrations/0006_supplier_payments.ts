import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // A supplier links one user (who acts for it) and one company (its legal data and bank accounts).
  // The company cannot be deleted while a supplier refers to it.
  await sql`
    create table suppliers (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id),
      company_id bigint not null references companies (id) on delete restrict,
      created_at timestamptz not null,
      constraint suppliers_user_id_key unique (user_id),
      constraint suppliers_company_id_key unique (company_id)
    )`.execute(db)

  await sql`
    create table payments (
      id bigint generated always as identity primary key,
      supplier_id bigint not null references suppliers (id),
      creation_date date not null,
      due_date date not null,
      value numeric(12, 2) not null check (value > 0 and value < 1000000000),
      created_at timestamptz not null
    )`.execute(db)
  // Every list is ordered by due date then id, for everyone or for one supplier.
  await sql`create index payments_due_date_id_idx on payments (due_date, id)`.execute(db)
  await sql`create index payments_supplier_due_date_id_idx on payments (supplier_id, due_date, id)`.execute(
    db,
  )

  // One anticipation per payment, ever: the unique constraint decides races.
  await sql`
    create table anticipations (
      id bigint generated always as identity primary key,
      payment_id bigint not null references payments (id),
      creation_date date not null,
      new_due_date date not null,
      new_value numeric(12, 2) not null check (new_value > 0),
      status text not null default 'PC' check (status in ('PC', 'A', 'D')),
      update_date timestamptz not null,
      created_at timestamptz not null,
      constraint anticipations_payment_id_key unique (payment_id)
    )`.execute(db)

  await sql`
    create table anticipation_logs (
      id bigint generated always as identity primary key,
      anticipation_id bigint not null references anticipations (id),
      user_id bigint not null references users (id),
      action text not null check (action in ('R', 'A', 'D')),
      created_at timestamptz not null
    )`.execute(db)
  await sql`create index anticipation_logs_anticipation_id_idx on anticipation_logs (anticipation_id, id)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table anticipation_logs`.execute(db)
  await sql`drop table anticipations`.execute(db)
  await sql`drop table payments`.execute(db)
  await sql`drop table suppliers`.execute(db)
}
