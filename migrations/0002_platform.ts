import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per email handed to the transport, keyed by the job that sent it: a retried job finds its
  // row and does not send twice.
  await sql`
    create table email_deliveries (
      job_id text primary key,
      recipient text not null,
      subject text not null,
      message_id text not null,
      sent_at timestamptz not null
    )`.execute(db)

  // Uploaded images and their resized variants (made by the process-image job).
  await sql`
    create table images (
      id uuid primary key,
      original_key text not null,
      content_type text not null,
      width integer not null check (width > 0),
      height integer not null check (height > 0),
      status text not null default 'pending' check (status in ('pending', 'ready', 'failed')),
      variants jsonb not null default '[]',
      failure_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table images`.execute(db)
  await sql`drop table email_deliveries`.execute(db)
}
