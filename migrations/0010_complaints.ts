import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // A customer's complaint with its photo and the amount they want back. Its refund is a payout
  // (purpose complaint_refund, subject_id = the complaint's id), created with it.
  await sql`
    create table complaints (
      id bigint generated always as identity primary key,
      title text not null check (char_length(title) between 1 and 100),
      description text not null check (char_length(description) <= 2000),
      amount numeric(12, 2) not null check (amount > 0 and amount <= 100000),
      currency char(3) not null,
      photo_image_id uuid not null references images (id),
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      complainer_id bigint not null references users (id),
      decided_by bigint references users (id),
      decided_at timestamptz,
      reason text check (char_length(reason) <= 1000),
      created_at timestamptz not null,
      constraint complaints_decision_complete check ((status = 'pending') = (decided_at is null))
    )`.execute(db)
  // Lists are newest first: everyone's (by status or not) for approvers, one complainer's otherwise.
  await sql`create index complaints_created_at_id_idx on complaints (created_at desc, id desc)`.execute(db)
  await sql`create index complaints_status_created_at_id_idx on complaints (status, created_at desc, id desc)`.execute(
    db,
  )
  await sql`create index complaints_complainer_created_at_id_idx on complaints (complainer_id, created_at desc, id desc)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table complaints`.execute(db)
}
