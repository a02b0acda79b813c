import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Who registered a payment: they never decide its anticipation. Payments registered before this
  // migration have no registrant on record.
  await sql`alter table payments add column created_by bigint references users (id)`.execute(db)

  // Who approved a payout (the deciding people of its complaint or anticipation): they never mark it
  // paid. Empty for payouts approved before this migration.
  await sql`alter table payouts add column approved_by bigint[] not null default '{}'`.execute(db)

  // Approvals of a decision that needs two people. One row per person and subject: the unique
  // constraint refuses the same person approving twice, even when their two requests race.
  await sql`
    create table approvals (
      id bigint generated always as identity primary key,
      subject_type text not null check (subject_type in ('complaint', 'anticipation')),
      subject_id bigint not null,
      user_id bigint not null references users (id),
      at timestamptz not null,
      constraint approvals_subject_user_key unique (subject_type, subject_id, user_id)
    )`.execute(db)

  // Who did what to money, roles and bank accounts. Written in the transaction of the change it
  // records; append-only (the trigger below).
  await sql`
    create table audit_events (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      actor_id bigint references users (id),
      actor_label text,
      action text not null,
      subject_type text not null,
      subject_id bigint not null,
      request_id text,
      changes jsonb not null default '{}',
      constraint audit_events_actor_known check (actor_id is not null or actor_label is not null)
    )`.execute(db)
  // Newest first (by id) for every filter: each filter reads a range of its own index in list order.
  await sql`create index audit_events_actor_idx on audit_events (actor_id, id desc)`.execute(db)
  await sql`create index audit_events_subject_idx on audit_events (subject_type, subject_id, id desc)`.execute(
    db,
  )
  await sql`create index audit_events_action_idx on audit_events (action, id desc)`.execute(db)
  await sql`create index audit_events_at_idx on audit_events (at, id)`.execute(db)

  await sql`
    create function audit_events_are_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit events cannot be changed or deleted'
        using errcode = 'insufficient_privilege';
    end $$`.execute(db)
  await sql`
    create trigger audit_events_are_append_only before update or delete on audit_events
    for each row execute function audit_events_are_append_only()`.execute(db)
  await sql`
    create trigger audit_events_are_not_truncated before truncate on audit_events
    for each statement execute function audit_events_are_append_only()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_events`.execute(db)
  await sql`drop function audit_events_are_append_only()`.execute(db)
  await sql`drop table approvals`.execute(db)
  await sql`alter table payouts drop column approved_by`.execute(db)
  await sql`alter table payments drop column created_by`.execute(db)
}
