import { sql, type Kysely } from 'kysely'

/**
 * Single sign-on. A user's identities at OpenID Connect providers (a provider's subject is that
 * user, whatever email the provider later reports), and the sign-ins under way: the state, nonce
 * and PKCE verifier of each redirect to a provider, used once and only for ten minutes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table user_identities (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      provider text not null,
      subject text not null,
      email text,
      created_at timestamptz not null,
      constraint user_identities_provider_subject_key unique (provider, subject)
    )`.execute(db)
  await sql`create index user_identities_user_id_idx on user_identities (user_id)`.execute(db)

  // Only a hash of the state is kept: a leaked table row cannot complete someone's sign-in.
  await sql`
    create table sso_logins (
      state_hash text primary key,
      provider text not null,
      nonce text not null,
      code_verifier text not null,
      next_path text,
      expires_at timestamptz not null
    )`.execute(db)
  await sql`create index sso_logins_expires_at_idx on sso_logins (expires_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table sso_logins`.execute(db)
  await sql`drop table user_identities`.execute(db)
}
