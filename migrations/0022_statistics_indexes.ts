import { sql, type Kysely } from 'kysely'

/*
 * Indexes for statistics by month, each holding every column its query reads, so a range of months
 * is an index-only scan: complaints by the time they were filed, payouts by the time they were
 * created, and the refunds paid out (funded or completed) by complaint.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index complaints_stats_idx on complaints (created_at) include (id, status, amount, decided_at)`.execute(
    db,
  )
  await sql`
    create index payouts_stats_idx on payouts (created_at) include (purpose, provider, status, amount)`.execute(
    db,
  )
  await sql`
    create index payouts_refunds_paid_idx on payouts (subject_id) include (amount)
    where purpose = 'complaint_refund' and status in ('funded', 'completed')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index payouts_refunds_paid_idx`.execute(db)
  await sql`drop index payouts_stats_idx`.execute(db)
  await sql`drop index complaints_stats_idx`.execute(db)
}
