import type { Clock } from '../../platform/clock.ts'
import { isForeignKeyViolation, isUniqueViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { conflict, FieldErrorCollector, forbidden, notFound } from '../../platform/errors.ts'
import { hasRole, type Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { isCountryCode } from '../../platform/validation/codes.ts'
import { formatCents, formatMoney, parseMoney } from '../../platform/validation/money.ts'
import { checkBankAccount, type CheckedBankAccount } from './bank-account-rules.ts'
import * as repository from './companies.repository.ts'
import type { BankAccountRow, CompaniesDb, CompanyRow, CompanyUpdate } from './companies.repository.ts'
import type {
  BankAccount,
  BankAccountChanges,
  BillingAddress,
  CompaniesQuery,
  Company,
  CompanyChanges,
  CompanySummary,
  NewBankAccount,
  NewCompany,
} from './companies.schemas.ts'

/**
 * Who acts for which company outside the finance roles. Supplier payments links users to supplier
 * companies; until a module provides it, no user is linked to any company.
 */
export interface CompanyMembership {
  companyOfUser(userId: number): Promise<number | undefined>
}

export const NO_MEMBERSHIP: CompanyMembership = { companyOfUser: async () => undefined }

const DECLARED_BILLING_LIMIT = '10000000000000.00'

export type CompaniesService = ReturnType<typeof createCompaniesService>

export function createCompaniesService(db: CompaniesDb, clock: Clock, membership: CompanyMembership) {
  /** Admins and operators see every company; a supplier's user sees their own; others may not ask. */
  async function assertCanRead(actor: Actor, companyId: number): Promise<void> {
    if (hasRole(actor, 'admin', 'operator')) return
    const own = await membership.companyOfUser(actor.userId)
    if (own === undefined) throw forbidden()
    if (own !== companyId) throw notFound('Company')
  }

  /**
   * Refuses (403) a caller who may read no company at all. Routes run it before reading the request,
   * so such a caller learns nothing from 404s or 400s.
   */
  async function assertMayReadCompanies(actor: Actor): Promise<void> {
    if (hasRole(actor, 'admin', 'operator')) return
    if ((await membership.companyOfUser(actor.userId)) === undefined) throw forbidden()
  }

  async function getCompanyRow(id: number): Promise<CompanyRow> {
    const company = await repository.findCompany(db, id)
    if (!company) throw notFound('Company')
    return company
  }

  async function assertCompanyExists(id: number): Promise<void> {
    await getCompanyRow(id)
  }

  async function assertBankAccountExists(companyId: number, accountId: number): Promise<void> {
    await getCompanyRow(companyId)
    if (!(await repository.findBankAccount(db, companyId, accountId))) throw notFound('Bank account')
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

  /** Creates a company with its bank accounts, all or nothing. */
  async function createCompany(input: NewCompany): Promise<Company> {
    const fields = new FieldErrorCollector()
    const values = companyValues(input, fields)
    const accounts = (input.bank_accounts ?? []).map((account, index) =>
      checkBankAccount(account, fields, `bank_accounts.${index}.`),
    )
    checkDefaults(accounts, fields)
    await checkBanksExist(accounts, fields, 'bank_accounts.')
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
        for (const account of accounts) {
          rows.push(
            await repository.insertBankAccount(tx, {
              ...account,
              company_id: company.id,
              created_at: now,
              updated_at: now,
            }),
          )
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

  async function listBankAccounts(actor: Actor, companyId: number): Promise<BankAccount[]> {
    await assertCanRead(actor, companyId)
    await getCompanyRow(companyId)
    return (await repository.listBankAccounts(db, companyId)).map(toBankAccount)
  }

  async function addBankAccount(companyId: number, input: NewBankAccount): Promise<BankAccount> {
    await getCompanyRow(companyId)
    const fields = new FieldErrorCollector()
    const account = checkBankAccount(input, fields)
    await checkBanksExist([account], fields, '')
    fields.throwIfAny()
    const now = clock.now()
    return translateUniqueViolations(() =>
      transaction(db, async (tx) => {
        // Serialises default changes of one company: two "make this the default" never both win.
        if (!(await repository.findCompanyForUpdate(tx, companyId))) throw notFound('Company')
        if (account.is_default) await repository.clearDefault(tx, companyId, account.currency, now)
        const row = await repository.insertBankAccount(tx, {
          ...account,
          company_id: companyId,
          created_at: now,
          updated_at: now,
        })
        return toBankAccount(row)
      }),
    )
  }

  async function updateBankAccount(
    companyId: number,
    accountId: number,
    changes: BankAccountChanges,
  ): Promise<BankAccount> {
    const now = clock.now()
    return translateUniqueViolations(() =>
      transaction(db, async (tx) => {
        if (!(await repository.findCompanyForUpdate(tx, companyId))) throw notFound('Company')
        const account = await repository.findBankAccount(tx, companyId, accountId)
        if (!account) throw notFound('Bank account')
        const holder = changes.holder_name?.trim()
        if (holder === '') {
          const fields = new FieldErrorCollector()
          fields.add('holder_name', 'This field may not be blank.')
          fields.throwIfAny()
        }
        if (changes.is_default === true) {
          await repository.clearDefault(tx, companyId, account.currency, now, account.id)
        }
        const row = await repository.updateBankAccount(tx, account.id, {
          ...(holder !== undefined ? { holder_name: holder } : {}),
          ...(changes.bic !== undefined
            ? { bic: changes.bic === null ? null : changes.bic.toUpperCase() }
            : {}),
          ...(changes.is_default !== undefined ? { is_default: changes.is_default } : {}),
          updated_at: now,
        })
        return toBankAccount(row)
      }),
    )
  }

  async function deleteBankAccount(companyId: number, accountId: number): Promise<void> {
    await getCompanyRow(companyId)
    if (!(await repository.deleteBankAccount(db, companyId, accountId))) throw notFound('Bank account')
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

  async function listBanks() {
    return repository.listBanks(db)
  }

  /** The account a payout to this company in `currency` goes to (for payouts), if one is the default. */
  async function defaultBankAccount(companyId: number, currency: string): Promise<BankAccount | undefined> {
    const row = await repository.findDefaultBankAccount(db, companyId, currency)
    return row ? toBankAccount(row) : undefined
  }

  async function checkBanksExist(
    accounts: CheckedBankAccount[],
    fields: FieldErrorCollector,
    prefix: string,
  ) {
    for (const [index, account] of accounts.entries()) {
      if (account.bank_code !== null && !(await repository.bankExists(db, account.bank_code))) {
        const at = prefix === '' ? '' : `${prefix}${index}.`
        fields.add(`${at}bank_code`, `Unknown bank code ${account.bank_code}; see /api/banks.`)
      }
    }
  }

  return {
    listCompanies,
    getCompany,
    createCompany,
    updateCompany,
    deleteCompany,
    listBankAccounts,
    addBankAccount,
    updateBankAccount,
    deleteBankAccount,
    listBanks,
    defaultBankAccount,
    assertMayReadCompanies,
    assertCompanyExists,
    assertBankAccountExists,
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

/** Unique constraints, not look-ups, decide duplicates; their violations become clear 409s. */
async function translateUniqueViolations<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isUniqueViolation(error, repository.UNIQUE.registrationNumber)) {
      throw conflict('registration_number_taken', 'A company with this registration number already exists.')
    }
    if (
      isUniqueViolation(error, repository.UNIQUE.iban) ||
      isUniqueViolation(error, repository.UNIQUE.domestic)
    ) {
      throw conflict('bank_account_exists', 'This bank account is already registered for this company.')
    }
    if (isUniqueViolation(error, repository.UNIQUE.default)) {
      throw conflict('default_changed', 'Another default account was set at the same time; try again.')
    }
    throw error
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

function toBankAccount(row: BankAccountRow): BankAccount {
  return {
    id: row.id,
    holder_name: row.holder_name,
    bank_code: row.bank_code,
    branch: row.branch,
    account_number: row.account_number,
    iban: row.iban,
    bic: row.bic,
    currency: row.currency,
    country: row.country,
    is_default: row.is_default,
    created_at: row.created_at.toISOString(),
  }
}
