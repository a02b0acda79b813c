import type { Audit, AuditActor } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { FieldErrorCollector, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import { checkBankAccount, type CheckedBankAccount } from './bank-account-rules.ts'
import * as repository from './companies.repository.ts'
import type { BankAccountRow, CompaniesDb } from './companies.repository.ts'
import type { BankAccount, BankAccountChanges, NewBankAccount } from './companies.schemas.ts'
import { translateUniqueViolations, type CompanyAccess } from './company-access.ts'

/**
 * A company's bank accounts: where its money goes. Every creation, change, removal and change of
 * default is audited (account numbers and IBANs masked to their last 4 characters).
 */
export function createBankAccountsService(
  db: CompaniesDb,
  clock: Clock,
  audit: Audit,
  access: CompanyAccess,
) {
  /** Records an account's creation (with the company or on its own) in `tx`. */
  async function recordCreated(tx: CompaniesDb, actor: AuditActor, row: BankAccountRow): Promise<void> {
    await audit.record(tx, {
      actor,
      action: 'bank_account.created',
      subject: { type: 'bank_account', id: row.id },
      changes: accountFacts(row),
    })
  }

  /** Unsets the previous default of the currency, and records each account it was taken from. */
  async function clearDefault(
    tx: CompaniesDb,
    actor: AuditActor,
    account: { companyId: number; currency: string; id?: number },
  ): Promise<void> {
    const { companyId } = account
    const unset = await repository.clearDefault(tx, companyId, account.currency, clock.now(), account.id)
    for (const id of unset) {
      await audit.record(tx, {
        actor,
        action: 'bank_account.default_changed',
        subject: { type: 'bank_account', id },
        changes: { company_id: companyId, is_default: { from: true, to: false } },
      })
    }
  }

  async function assertBankAccountExists(companyId: number, accountId: number): Promise<void> {
    await access.getCompanyRow(companyId)
    if (!(await repository.findBankAccount(db, companyId, accountId))) throw notFound('Bank account')
  }

  async function listBankAccounts(actor: Actor, companyId: number): Promise<BankAccount[]> {
    await access.assertCanRead(actor, companyId)
    await access.getCompanyRow(companyId)
    return (await repository.listBankAccounts(db, companyId)).map(toBankAccount)
  }

  async function addBankAccount(
    actor: Actor,
    companyId: number,
    input: NewBankAccount,
  ): Promise<BankAccount> {
    await access.getCompanyRow(companyId)
    const fields = new FieldErrorCollector()
    const account = checkBankAccount(input, fields)
    await checkBanksExist(db, [account], fields, '')
    fields.throwIfAny()
    const now = clock.now()
    return translateUniqueViolations(() =>
      transaction(db, async (tx) => {
        // Serialises default changes of one company: two "make this the default" never both win.
        if (!(await repository.findCompanyForUpdate(tx, companyId))) throw notFound('Company')
        if (account.is_default) await clearDefault(tx, actor, { companyId, currency: account.currency })
        const row = await repository.insertBankAccount(tx, {
          ...account,
          company_id: companyId,
          created_at: now,
          updated_at: now,
        })
        await recordCreated(tx, actor, row)
        return toBankAccount(row)
      }),
    )
  }

  async function updateBankAccount(
    actor: Actor,
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
          await clearDefault(tx, actor, { companyId, currency: account.currency, id: account.id })
        }
        const row = await repository.updateBankAccount(tx, account.id, {
          ...(holder !== undefined ? { holder_name: holder } : {}),
          ...(changes.bic !== undefined
            ? { bic: changes.bic === null ? null : changes.bic.toUpperCase() }
            : {}),
          ...(changes.is_default !== undefined ? { is_default: changes.is_default } : {}),
          updated_at: now,
        })
        await audit.record(tx, {
          actor,
          action:
            account.is_default === row.is_default ? 'bank_account.updated' : 'bank_account.default_changed',
          subject: { type: 'bank_account', id: row.id },
          changes: { ...accountFacts(row), ...changed(account, row) },
        })
        return toBankAccount(row)
      }),
    )
  }

  async function deleteBankAccount(actor: Actor, companyId: number, accountId: number): Promise<void> {
    await access.getCompanyRow(companyId)
    await transaction(db, async (tx) => {
      const row = await repository.deleteBankAccount(tx, companyId, accountId)
      if (!row) throw notFound('Bank account')
      await audit.record(tx, {
        actor,
        action: 'bank_account.deleted',
        subject: { type: 'bank_account', id: row.id },
        changes: accountFacts(row),
      })
    })
  }

  /** The account a payout to this company in `currency` goes to (for payouts), if one is the default. */
  async function defaultBankAccount(companyId: number, currency: string): Promise<BankAccount | undefined> {
    const row = await repository.findDefaultBankAccount(db, companyId, currency)
    return row ? toBankAccount(row) : undefined
  }

  return {
    recordCreated,
    assertBankAccountExists,
    listBankAccounts,
    addBankAccount,
    updateBankAccount,
    deleteBankAccount,
    defaultBankAccount,
    listBanks: () => repository.listBanks(db),
  }
}

export async function checkBanksExist(
  db: CompaniesDb,
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

/** What identifies an account in the audit log (its number and IBAN are masked by the audit writer). */
function accountFacts(row: BankAccountRow): Record<string, unknown> {
  return {
    company_id: row.company_id,
    holder_name: row.holder_name,
    bank_code: row.bank_code,
    branch: row.branch,
    account_number: row.account_number,
    iban: row.iban,
    currency: row.currency,
    is_default: row.is_default,
  }
}

/** The fields an update changed, as {from, to}. */
function changed(before: BankAccountRow, after: BankAccountRow): Record<string, unknown> {
  const diff: Record<string, unknown> = {}
  for (const key of ['holder_name', 'bic', 'is_default'] as const) {
    if (before[key] !== after[key]) diff[key] = { from: before[key], to: after[key] }
  }
  return { changed: diff }
}

export function toBankAccount(row: BankAccountRow): BankAccount {
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
