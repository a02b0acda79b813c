import { type GeneratedAlways, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { Executor } from '../../platform/database/transaction.ts'

export type CompaniesTables = {
  banks: { code: string; name: string }
  companies: {
    id: GeneratedAlways<number>
    legal_name: string
    trade_name: string | null
    registration_number: string
    email: string
    phone: string | null
    website: string | null
    declared_billing: string | null
    billing_email: string | null
    billing_line1: string | null
    billing_line2: string | null
    billing_city: string | null
    billing_region: string | null
    billing_postal_code: string | null
    billing_country: string | null
    search_text: GeneratedAlways<string>
    created_at: Date
    updated_at: Date
  }
  bank_accounts: {
    id: GeneratedAlways<number>
    company_id: number
    holder_name: string
    bank_code: string | null
    branch: string | null
    account_number: string | null
    iban: string | null
    bic: string | null
    currency: string
    country: string
    is_default: boolean
    created_at: Date
    updated_at: Date
  }
}

export type CompaniesDb = Executor<CompaniesTables>
export type CompanyRow = Selectable<CompaniesTables['companies']>
export type CompanyInsert = Insertable<CompaniesTables['companies']>
export type CompanyUpdate = Updateable<CompaniesTables['companies']>
export type BankAccountRow = Selectable<CompaniesTables['bank_accounts']>
export type BankAccountInsert = Insertable<CompaniesTables['bank_accounts']>

export async function listBanks(db: CompaniesDb): Promise<{ code: string; name: string }[]> {
  return db.selectFrom('banks').selectAll().orderBy('code').execute()
}

export async function bankExists(db: CompaniesDb, code: string): Promise<boolean> {
  return (
    (await db.selectFrom('banks').select('code').where('code', '=', code).executeTakeFirst()) !== undefined
  )
}

/** `%` and `_` in a search are literal characters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

export async function listCompanies(
  db: CompaniesDb,
  search: string | undefined,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: CompanyRow[] }> {
  let query = db.selectFrom('companies')
  if (search !== undefined) query = query.where('search_text', 'like', likePattern(search))
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .selectAll('companies')
      .orderBy('companies.legal_name')
      .orderBy('companies.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}

export async function findCompanyNames(
  db: CompaniesDb,
  ids: readonly number[],
): Promise<{ id: number; legal_name: string; registration_number: string }[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('companies')
    .select(['id', 'legal_name', 'registration_number'])
    .where('id', 'in', [...ids])
    .execute()
}

export async function findCompaniesByRegistrationNumber(
  db: CompaniesDb,
  numbers: readonly string[],
): Promise<{ id: number; registration_number: string }[]> {
  if (numbers.length === 0) return []
  return db
    .selectFrom('companies')
    .select(['id', 'registration_number'])
    .where('registration_number', 'in', [...numbers])
    .execute()
}

export async function findCompany(db: CompaniesDb, id: number): Promise<CompanyRow | undefined> {
  return db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Locks the company row, so changes to its accounts (defaults) are serialised per company. */
export async function findCompanyForUpdate(db: CompaniesDb, id: number): Promise<CompanyRow | undefined> {
  return db.selectFrom('companies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function insertCompany(db: CompaniesDb, company: CompanyInsert): Promise<CompanyRow> {
  return db.insertInto('companies').values(company).returningAll().executeTakeFirstOrThrow()
}

export async function updateCompany(
  db: CompaniesDb,
  id: number,
  changes: CompanyUpdate,
): Promise<CompanyRow> {
  return db
    .updateTable('companies')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteCompany(db: CompaniesDb, id: number): Promise<boolean> {
  const result = await db.deleteFrom('companies').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

export async function listBankAccounts(db: CompaniesDb, companyId: number): Promise<BankAccountRow[]> {
  return db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('company_id', '=', companyId)
    .orderBy('id')
    .execute()
}

export async function findBankAccount(
  db: CompaniesDb,
  companyId: number,
  accountId: number,
): Promise<BankAccountRow | undefined> {
  return db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('id', '=', accountId)
    .executeTakeFirst()
}

/** The account payouts in `currency` go to, if the company chose one. */
export async function findDefaultBankAccount(
  db: CompaniesDb,
  companyId: number,
  currency: string,
): Promise<BankAccountRow | undefined> {
  return db
    .selectFrom('bank_accounts')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('currency', '=', currency)
    .where('is_default', '=', true)
    .executeTakeFirst()
}

export async function insertBankAccount(
  db: CompaniesDb,
  account: BankAccountInsert,
): Promise<BankAccountRow> {
  return db.insertInto('bank_accounts').values(account).returningAll().executeTakeFirstOrThrow()
}

export async function updateBankAccount(
  db: CompaniesDb,
  accountId: number,
  changes: Updateable<CompaniesTables['bank_accounts']>,
): Promise<BankAccountRow> {
  return db
    .updateTable('bank_accounts')
    .set(changes)
    .where('id', '=', accountId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Unsets the default account of a company in a currency (but `exceptAccountId`); returns the ids unset. */
export async function clearDefault(
  db: CompaniesDb,
  companyId: number,
  currency: string,
  now: Date,
  exceptAccountId?: number,
): Promise<number[]> {
  let query = db
    .updateTable('bank_accounts')
    .set({ is_default: false, updated_at: now })
    .where('company_id', '=', companyId)
    .where('currency', '=', currency)
    .where('is_default', '=', true)
  if (exceptAccountId !== undefined) query = query.where('id', '!=', exceptAccountId)
  return (await query.returning('id').execute()).map((row) => row.id)
}

/** Deletes a company's bank account; returns it, or undefined when there was none. */
export async function deleteBankAccount(
  db: CompaniesDb,
  companyId: number,
  accountId: number,
): Promise<BankAccountRow | undefined> {
  return db
    .deleteFrom('bank_accounts')
    .where('company_id', '=', companyId)
    .where('id', '=', accountId)
    .returningAll()
    .executeTakeFirst()
}

export const UNIQUE = {
  registrationNumber: 'companies_registration_number_key',
  iban: 'bank_accounts_company_iban_key',
  domestic: 'bank_accounts_company_domestic_key',
  default: 'bank_accounts_company_default_key',
} as const
