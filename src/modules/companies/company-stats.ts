import type { CompaniesDb } from './companies.repository.ts'

export async function countCompanies(db: CompaniesDb): Promise<number> {
  const row = await db
    .selectFrom('companies')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return row.count
}
