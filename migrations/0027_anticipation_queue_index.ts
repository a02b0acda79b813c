import { sql, type Kysely } from 'kysely'

/*
 * The list of anticipations by status (`GET /api/anticipations/?status=PC`, the operators' queue),
 * oldest request first: an index range of one status in id order, so a page reads its own entries
 * whatever the table's size. Without it, the pending requests (the newest, once most are decided)
 * would be found by walking every older anticipation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index anticipations_status_id_idx on anticipations (status, id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index anticipations_status_id_idx`.execute(db)
}
