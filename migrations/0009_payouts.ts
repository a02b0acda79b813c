import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Money sent out through a provider. One payout per subject (a complaint, an anticipation), ever:
  // the unique constraint settles races. The idempotency key is written with the row, before any
  // provider call, and is sent as the provider's own idempotency key (Wise's customerTransactionId).
  await sql`
    create table payouts (
      id bigint generated always as identity primary key,
      purpose text not null check (purpose in ('complaint_refund', 'early_payment')),
      subject_id bigint not null,
      amount numeric(12, 2) not null check (amount > 0),
      currency char(3) not null,
      holder_name text,
      iban text,
      bank_code text,
      branch text,
      account_number text,
      provider text not null check (provider in ('manual', 'wise')),
      idempotency_key uuid not null,
      provider_quote_id text,
      provider_recipient_id text,
      provider_transfer_id text,
      status text not null default 'pending'
        check (status in ('pending', 'prepared', 'approved', 'funded', 'completed', 'cancelled', 'failed')),
      failure_reason text,
      reference text,
      approved_at timestamptz,
      funding_started_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint payouts_purpose_subject_id_key unique (purpose, subject_id),
      constraint payouts_idempotency_key_key unique (idempotency_key),
      constraint payouts_failed_has_reason check (status <> 'failed' or failure_reason is not null)
    )`.execute(db)
  // Lists are newest first, for everyone, by status or by purpose.
  await sql`create index payouts_created_at_id_idx on payouts (created_at desc, id desc)`.execute(db)
  await sql`create index payouts_status_created_at_id_idx on payouts (status, created_at desc, id desc)`.execute(
    db,
  )
  await sql`create index payouts_purpose_created_at_id_idx on payouts (purpose, created_at desc, id desc)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table payouts`.execute(db)
}
