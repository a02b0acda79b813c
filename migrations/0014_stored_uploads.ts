import { sql, type Kysely } from 'kysely'

/**
 * Uploads are stored before the transaction that records them (no storage call inside a
 * transaction). Each stored upload is first noted here, and the transaction that records its image
 * removes the note: a note that outlives a day belongs to a request that rolled back or died, and
 * the sweep deletes its file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stored_uploads (
      key text primary key,
      stored_at timestamptz not null
    )`.execute(db)
  await sql`create index stored_uploads_stored_at_idx on stored_uploads (stored_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table stored_uploads`.execute(db)
}
