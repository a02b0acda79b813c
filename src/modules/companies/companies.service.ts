import type { Audit, AuditActor } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import { isForeignKeyViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { conflict, FieldErrorCollector, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { isCountryCode } from '../../platform/validation/codes.ts'
import { formatCents, formatMoney, parseMoney } from '../../platform/validation/money.ts'
import { checkBankAccount, type CheckedBankAccount } from './bank-account-rules.ts'
import * as repository from './companies.repository.ts'
import type { BankAccountRow, CompaniesDb, CompanyRow, CompanyUpdate } from './companies.repository.ts'
import { checkBanksExist, createBankAccountsService, toBankAccount } from './bank-accounts.service.ts'
import { createCompanyAccess, translateUniqueViolations, type CompanyMembership } from './company-access.ts'
import type {
  BillingAddress,
  CompaniesQuery,
  Company,
  CompanyChanges,
  CompanySummary,
  NewCompany,
} from './companies.schemas.ts'

export { NO_MEMBERSHIP, type CompanyMembership } from './company-access.ts'

const DECLARED_BILLING_LIMIT = '10000000000000.00'

export type CompaniesService = ReturnType<typeof createCompaniesService>

export function createCompaniesService(
  db: CompaniesDb,
  clock: Clock,
  audit: Audit,
  membership: CompanyMembership,
) {
  const access = createCompanyAccess(db, membership)
  const { assertCanRead, getCompanyRow } = access
  const accounts = createBankAccountsService(db, clock, audit, access)

  async function assertCompanyExists(id: number): Promise<void> {
    await getCompanyRow(id)
  }

  async function listCompanies(query: CompaniesQuery, page: PageRequest) {
    const search = query.search?.trim()
    const { count, rows } = await repository.listCompanies(db, search === '' ? undefined : search, page)
    return { count, results: rows.map(toSummary) }
  }

  async function getCompany(actor: Actor, id: number): Promise<Company> {
    await assertCanRead(actor, id)
    const company = await getCompanyRow(id)
    return {
      ...toSummary(company),
      bank_accounts: (await repository.listBankAccounts(db, id)).map(toBankAccount),
    }
  }

  /** Creates a company with its bank accounts, all or nothing (each account's creation audited). */
  async function createCompany(actor: AuditActor, input: NewCompany): Promise<Company> {
    const fields = new FieldErrorCollector()
    const values = companyValues(input, fields)
    const checked = (input.bank_accounts ?? []).map((account, index) =>
      checkBankAccount(account, fields, `bank_accounts.${index}.`),
    )
    checkDefaults(checked, fields)
    await checkBanksExist(db, checked, fields, 'bank_accounts.')
    fields.throwIfAny()
    const now = clock.now()
    return translateUniqueViolations(() =>
      transaction(db, async (tx) => {
        const company = await repository.insertCompany(tx, {
          ...values,
          legal_name: input.legal_name.trim(),
          registration_number: input.registration_number,
          email: input.email,
          created_at: now,
          updated_at: now,
        })
        const rows: BankAccountRow[] = []
        for (const account of checked) {
          const row = await repository.insertBankAccount(tx, {
            ...account,
            company_id: company.id,
            created_at: now,
            updated_at: now,
          })
          await accounts.recordCreated(tx, actor, row)
          rows.push(row)
        }
        return { ...toSummary(company), bank_accounts: rows.map(toBankAccount) }
      }),
    )
  }

  async function updateCompany(actor: Actor, id: number, changes: CompanyChanges): Promise<Company> {
    const fields = new FieldErrorCollector()
    const values: CompanyUpdate = companyValues(changes, fields)
    if (changes.legal_name !== undefined) values.legal_name = changes.legal_name.trim()
    if (changes.registration_number !== undefined) values.registration_number = changes.registration_number
    if (changes.email !== undefined) values.email = changes.email
    await getCompanyRow(id)
    fields.throwIfAny()
    await translateUniqueViolations(() =>
      repository.updateCompany(db, id, { ...values, updated_at: clock.now() }),
    )
    return getCompany(actor, id)
  }

  /** Deletes a company and its bank accounts; refused while another record (a supplier) refers to it. */
  async function deleteCompany(id: number): Promise<void> {
    try {
      if (!(await repository.deleteCompany(db, id))) throw notFound('Company')
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw conflict(
          'company_in_use',
          'This company is still referenced (by a supplier); remove that first.',
        )
      }
      throw error
    }
  }

  /** Legal names and registration numbers by company id (for modules that show them). */
  async function namesOf(ids: readonly number[]) {
    const rows = await repository.findCompanyNames(db, ids)
    return new Map(
      rows.map((row) => [
        row.id,
        { legal_name: row.legal_name, registration_number: row.registration_number },
      ]),
    )
  }

  async function idsByRegistrationNumber(numbers: readonly string[]): Promise<Map<string, number>> {
    const rows = await repository.findCompaniesByRegistrationNumber(db, numbers)
    return new Map(rows.map((row) => [row.registration_number, row.id]))
  }

  return {
    listCompanies,
    getCompany,
    createCompany,
    updateCompany,
    deleteCompany,
    listBankAccounts: accounts.listBankAccounts,
    addBankAccount: accounts.addBankAccount,
    updateBankAccount: accounts.updateBankAccount,
    deleteBankAccount: accounts.deleteBankAccount,
    listBanks: accounts.listBanks,
    defaultBankAccount: accounts.defaultBankAccount,
    assertMayReadCompanies: access.assertMayReadCompanies,
    assertCompanyExists,
    assertBankAccountExists: accounts.assertBankAccountExists,
    namesOf,
    idsByRegistrationNumber,
  }
}

/** The optional company fields of a create or an update, checked and in stored form. */
function companyValues(input: CompanyChanges, fields: FieldErrorCollector): CompanyUpdate {
  const values: CompanyUpdate = {}
  if (input.legal_name !== undefined && input.legal_name.trim() === '') {
    fields.add('legal_name', 'This field may not be blank.')
  }
  if (input.trade_name !== undefined) values.trade_name = input.trade_name?.trim() || null
  if (input.phone !== undefined) values.phone = input.phone
  if (input.website !== undefined) values.website = input.website
  if (input.billing_email !== undefined) values.billing_email = input.billing_email
  if (input.declared_billing !== undefined) {
    if (input.declared_billing === null) {
      values.declared_billing = null
    } else {
      const cents = parseMoney(input.declared_billing, { min: '0', below: DECLARED_BILLING_LIMIT })
      if (typeof cents === 'string') fields.add('declared_billing', cents)
      else values.declared_billing = formatCents(cents)
    }
  }
  if (input.billing_address !== undefined)
    Object.assign(values, addressColumns(input.billing_address, fields))
  return values
}

function addressColumns(address: BillingAddress | null, fields: FieldErrorCollector): CompanyUpdate {
  if (address === null) {
    return {
      billing_line1: null,
      billing_line2: null,
      billing_city: null,
      billing_region: null,
      billing_postal_code: null,
      billing_country: null,
    }
  }
  if (!isCountryCode(address.country)) {
    fields.add('billing_address.country', `${address.country} is not an ISO 3166-1 country code.`)
  }
  for (const key of ['line1', 'city', 'postal_code'] as const) {
    if (address[key].trim() === '') fields.add(`billing_address.${key}`, 'This field may not be blank.')
  }
  return {
    billing_line1: address.line1.trim(),
    billing_line2: address.line2?.trim() || null,
    billing_city: address.city.trim(),
    billing_region: address.region?.trim() || null,
    billing_postal_code: address.postal_code.trim(),
    billing_country: address.country,
  }
}

function checkDefaults(accounts: CheckedBankAccount[], fields: FieldErrorCollector): void {
  const seen = new Set<string>()
  for (const [index, account] of accounts.entries()) {
    if (!account.is_default) continue
    if (seen.has(account.currency)) {
      fields.add(
        `bank_accounts.${index}.is_default`,
        `Only one account can be the default for ${account.currency}.`,
      )
    }
    seen.add(account.currency)
  }
}

function toSummary(row: CompanyRow): CompanySummary {
  return {
    id: row.id,
    legal_name: row.legal_name,
    trade_name: row.trade_name,
    registration_number: row.registration_number,
    email: row.email,
    phone: row.phone,
    website: row.website,
    declared_billing: row.declared_billing === null ? null : formatMoney(row.declared_billing),
    billing_email: row.billing_email,
    billing_address:
      row.billing_line1 === null
        ? null
        : {
            line1: row.billing_line1,
            line2: row.billing_line2,
            city: row.billing_city ?? '',
            region: row.billing_region,
            postal_code: row.billing_postal_code ?? '',
            country: row.billing_country ?? '',
          },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}
