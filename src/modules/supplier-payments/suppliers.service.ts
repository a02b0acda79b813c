import { LRUCache } from 'lru-cache'
import type { Clock } from '../../platform/clock.ts'
import { isUniqueViolation } from '../../platform/database/errors.ts'
import type { Audit, AuditActor } from '../../platform/audit/index.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { AppError, conflict, FieldErrorCollector, forbidden } from '../../platform/errors.ts'
import { hasRole, type Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import * as repository from './suppliers.repository.ts'
import { UNIQUE, type PaymentsDb, type SupplierRow } from './supplier-payments.repository.ts'
import type { Contacts } from './supplier-payments.jobs.ts'
import type { Party } from './supplier-payments.service.ts'
import type { NewSupplier, Supplier } from './supplier-payments.schemas.ts'

/** What suppliers need to know of companies: their names, by id. */
export interface CompanyNames {
  namesOf(ids: readonly number[]): Promise<Map<number, { legal_name: string; registration_number: string }>>
}

export type SuppliersService = ReturnType<typeof createSuppliersService>

const NOT_VERIFIED =
  'This user has not verified their email address yet: they open the link sent to their inbox, or ask for a new one with POST /api/auth/verify-email/resend, before they can act for a supplier.'

export function createSuppliersService(
  db: PaymentsDb,
  clock: Clock,
  audit: Audit,
  contacts: Contacts,
  companies: CompanyNames,
) {
  // A supplier links its user and company for good: the database refuses to change or delete the link
  // (migration 0007). So a link once found can be remembered, and most requests skip the lookup. A user
  // without a supplier is not remembered: they may become one.
  const links = new LRUCache<number, SupplierRow>({ max: 10_000 })
  async function findSupplierOfUser(userId: number): Promise<SupplierRow | undefined> {
    const known = links.get(userId)
    if (known) return known
    const supplier = await repository.findSupplierByUser(db, userId)
    if (supplier) links.set(userId, supplier)
    return supplier
  }

  /** Operators act on everything; a supplier's user on their supplier's objects; anyone else on nothing. */
  async function partyOf(actor: Actor): Promise<Party> {
    const isOperator = hasRole(actor, 'operator')
    const supplier = await findSupplierOfUser(actor.userId)
    if (!isOperator && !supplier) {
      throw forbidden('Only operators and the users of suppliers can use supplier payments.')
    }
    return { actor, isOperator, supplierId: supplier?.id }
  }

  async function listSuppliers(page: PageRequest): Promise<{ count: number; results: Supplier[] }> {
    const { count, rows } = await repository.listSuppliers(db, page)
    const names = await companies.namesOf(rows.map((row) => row.company_id))
    return { count, results: rows.map((row) => toSupplier(row, names)) }
  }

  /**
   * Links a user and a company as a supplier; each can be one supplier only (409 otherwise). The user
   * must have verified their email (403 email_not_verified): a supplier's user is paid money.
   */
  async function createSupplier(actor: AuditActor, input: NewSupplier): Promise<Supplier> {
    const fields = new FieldErrorCollector()
    const contact = await contacts.contactOf(input.user)
    if (!contact) fields.add('user', 'Unknown user.')
    const names = await companies.namesOf([input.company])
    if (!names.has(input.company)) fields.add('company', 'Unknown company.')
    fields.throwIfAny()
    if (contact && !contact.email_verified)
      throw new AppError('forbidden', 'email_not_verified', NOT_VERIFIED)
    try {
      const row = await transaction(db, async (tx) => {
        const supplier = await repository.insertSupplier(tx, {
          userId: input.user,
          companyId: input.company,
          now: clock.now(),
        })
        await audit.record(tx, {
          actor,
          action: 'supplier.linked',
          subject: { type: 'supplier', id: supplier.id },
          changes: { user: supplier.user_id, company: supplier.company_id },
        })
        return supplier
      })
      return toSupplier(row, names)
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE.supplierUser)) {
        throw conflict('user_already_supplier', 'This user already acts for a supplier.')
      }
      if (isUniqueViolation(error, UNIQUE.supplierCompany)) {
        throw conflict('company_already_supplier', 'This company is already a supplier.')
      }
      throw error
    }
  }

  async function supplierOfUser(userId: number): Promise<number | undefined> {
    return (await findSupplierOfUser(userId))?.id
  }

  async function companyOfUser(userId: number): Promise<number | undefined> {
    return (await findSupplierOfUser(userId))?.company_id
  }

  return { partyOf, listSuppliers, createSupplier, supplierOfUser, companyOfUser }
}

function toSupplier(
  row: SupplierRow,
  names: Map<number, { legal_name: string; registration_number: string }>,
): Supplier {
  const company = names.get(row.company_id)
  return {
    id: row.id,
    user: row.user_id,
    company: row.company_id,
    corporate_name: company?.legal_name ?? '',
    reg_number: company?.registration_number ?? '',
  }
}
