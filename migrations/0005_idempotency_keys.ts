import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per Idempotency-Key a user sent to a creating POST route. The primary key decides races:
  // of two requests with the same key, one inserts the row and runs; the other finds it. A row with a
  // null status_code is a request still in progress. No foreign key to users: the platform knows no
  // module's tables, and rows expire after a day anyway.
  await sql`
    create table idempotency_keys (
      actor_id bigint not null,
      key text not null check (length(key) between 1 and 200),
      method text not null,
      path text not null,
      request_hash text not null,
      status_code integer check (status_code between 100 and 599),
      response jsonb,
      created_at timestamptz not null,
      completed_at timestamptz,
      primary key (actor_id, key)
    )`.execute(db)
  // Expired keys are purged by age.
  await sql`create index idempotency_keys_created_at_idx on idempotency_keys (created_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table idempotency_keys`.execute(db)
}
