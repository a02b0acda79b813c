import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id bigint generated always as identity primary key,
      email text not null check (length(email) <= 254),
      password_hash text,
      first_name text not null,
      last_name text not null,
      phone text,
      iban text,
      roles text[] not null default '{}'
        check (roles <@ array['admin', 'operator', 'approver']::text[]),
      is_active boolean not null default true,
      email_verified_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db)
  // Emails are unique whatever their case; lookups go through the same expression.
  await sql`create unique index users_email_key on users (lower(email))`.execute(db)
  await sql`create index users_roles_idx on users using gin (roles)`.execute(db)

  // A session is one login (one refresh-token family). Access tokens name their session, so revoking it
  // (logout, reuse of a rotated refresh token, password change) ends them at once, not at expiry.
  await sql`
    create table sessions (
      id uuid primary key,
      user_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null,
      revoked_at timestamptz,
      revoked_reason text
    )`.execute(db)
  await sql`create index sessions_user_id_idx on sessions (user_id)`.execute(db)

  await sql`
    create table refresh_tokens (
      token_hash text primary key,
      session_id uuid not null references sessions (id) on delete cascade,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db)
  await sql`create index refresh_tokens_session_id_idx on refresh_tokens (session_id)`.execute(db)

  // Failed logins per account key (a hash of the normalised email, also for unknown emails, so the
  // lockout does not reveal which accounts exist).
  await sql`
    create table login_throttles (
      account_key text primary key,
      failures integer not null check (failures > 0),
      last_failure_at timestamptz not null,
      locked_until timestamptz
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table login_throttles`.execute(db)
  await sql`drop table refresh_tokens`.execute(db)
  await sql`drop table sessions`.execute(db)
  await sql`drop table users`.execute(db)
}
