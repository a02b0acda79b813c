import { sql, type Kysely } from 'kysely'

/**
 * When the provider's quote of a payout expires (Wise: 30 minutes after it was made), so that a
 * later attempt asks for a new one instead of presenting the old one; and the index the sweep of
 * payouts left waiting without a job reads.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table payouts add column provider_quote_expires_at timestamptz`.execute(db)
  await sql`
    create index payouts_unsettled_idx on payouts (updated_at)
    where status in ('pending', 'approved')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index payouts_unsettled_idx`.execute(db)
  await sql`alter table payouts drop column provider_quote_expires_at`.execute(db)
}
