import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // One-time tokens sent by email (verification, password reset). Only their hash is stored; using one
  // is a conditional update, so a token works once.
  await sql`
    create table user_tokens (
      token_hash text primary key,
      user_id bigint not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('verify_email', 'password_reset')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db)
  await sql`create index user_tokens_user_id_idx on user_tokens (user_id, purpose)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table user_tokens`.execute(db)
}
