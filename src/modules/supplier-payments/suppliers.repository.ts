import type { PaymentsDb, SupplierRow } from './supplier-payments.repository.ts'

/* The SQL of suppliers: the link between a user and the company they act for. */

export async function findSupplierByUser(db: PaymentsDb, userId: number): Promise<SupplierRow | undefined> {
  return db.selectFrom('suppliers').selectAll().where('user_id', '=', userId).executeTakeFirst()
}

export async function findSupplier(db: PaymentsDb, id: number): Promise<SupplierRow | undefined> {
  return db.selectFrom('suppliers').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertSupplier(
  db: PaymentsDb,
  supplier: { userId: number; companyId: number; now: Date },
): Promise<SupplierRow> {
  return db
    .insertInto('suppliers')
    .values({ user_id: supplier.userId, company_id: supplier.companyId, created_at: supplier.now })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listSuppliers(
  db: PaymentsDb,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: SupplierRow[] }> {
  const [total, rows] = await Promise.all([
    db
      .selectFrom('suppliers')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow(),
    db.selectFrom('suppliers').selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute(),
  ])
  return { count: total.count, rows }
}
