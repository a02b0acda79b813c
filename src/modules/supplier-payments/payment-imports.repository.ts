import { sql } from 'kysely'
import type { PaymentsDb } from './supplier-payments.repository.ts'

/*
 * The SQL of importing payments from a file: suppliers by id or company, the payments a file already
 * brought (by supplier and external reference), and many payments in one statement.
 */

export async function suppliersByIds(
  db: PaymentsDb,
  ids: readonly number[],
): Promise<{ id: number; company_id: number }[]> {
  if (ids.length === 0) return []
  return db.selectFrom('suppliers').select(['id', 'company_id']).where('id', 'in', ids).execute()
}

export async function suppliersByCompanies(
  db: PaymentsDb,
  companyIds: readonly number[],
): Promise<{ id: number; company_id: number }[]> {
  if (companyIds.length === 0) return []
  return db
    .selectFrom('suppliers')
    .select(['id', 'company_id'])
    .where('company_id', 'in', companyIds)
    .execute()
}

export interface ImportedPayment {
  supplierId: number
  dueDate: string
  value: string
  externalRef: string
}

/** The payments already there with these (supplier, external reference) pairs. */
export async function paymentsByExternalRef(
  db: PaymentsDb,
  keys: readonly { supplierId: number; externalRef: string }[],
): Promise<{ id: number; supplier_id: number; external_ref: string; due_date: string; value: string }[]> {
  if (keys.length === 0) return []
  const { rows } = await sql<{
    id: number
    supplier_id: number
    external_ref: string
    due_date: string
    value: string
  }>`
    select p.id, p.supplier_id, p.external_ref, p.due_date, p.value
    from unnest(${keys.map((key) => key.supplierId)}::bigint[], ${keys.map((key) => key.externalRef)}::text[])
      as k(supplier_id, external_ref)
    join payments p on p.supplier_id = k.supplier_id and p.external_ref = k.external_ref`.execute(db)
  return rows
}

/**
 * Inserts the payments in one statement (the count triggers run once for all of them). A payment
 * whose reference another transaction inserted meanwhile is left out; returns the ones inserted.
 */
export async function insertImportedPayments(
  db: PaymentsDb,
  payments: readonly ImportedPayment[],
  common: { createdBy: number; today: string; now: Date },
): Promise<{ supplier_id: number; external_ref: string }[]> {
  if (payments.length === 0) return []
  const { rows } = await sql<{ supplier_id: number; external_ref: string }>`
    insert into payments (supplier_id, creation_date, due_date, value, created_by, created_at, external_ref)
    select supplier_id, ${common.today}::date, due_date, value, ${common.createdBy}::bigint,
           ${common.now}::timestamptz, external_ref
    from unnest(
      ${payments.map((payment) => payment.supplierId)}::bigint[],
      ${payments.map((payment) => payment.dueDate)}::date[],
      ${payments.map((payment) => payment.value)}::numeric[],
      ${payments.map((payment) => payment.externalRef)}::text[]
    ) as p(supplier_id, due_date, value, external_ref)
    on conflict (supplier_id, external_ref) where external_ref is not null do nothing
    returning supplier_id, external_ref`.execute(db)
  return rows
}
