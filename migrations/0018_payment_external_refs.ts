import { sql, type Kysely } from 'kysely'

/**
 * A payment imported from another system (an ERP) carries that system's reference. It is unique per
 * supplier, so sending the same file again finds the payments already there instead of doubling them.
 * Payments registered one by one have none, and the partial index holds no entry for them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table payments add column external_ref text
      check (external_ref is null or length(external_ref) between 1 and 100)`.execute(db)
  await sql`
    create unique index payments_supplier_external_ref_key on payments (supplier_id, external_ref)
    where external_ref is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index payments_supplier_external_ref_key`.execute(db)
  await sql`alter table payments drop column external_ref`.execute(db)
}
