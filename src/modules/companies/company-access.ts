import { isUniqueViolation } from '../../platform/database/errors.ts'
import { conflict, forbidden, notFound } from '../../platform/errors.ts'
import { hasRole, type Actor } from '../../platform/http/actor.ts'
import * as repository from './companies.repository.ts'
import type { CompaniesDb, CompanyRow } from './companies.repository.ts'

/**
 * Who acts for which company outside the finance roles. Supplier payments links users to supplier
 * companies; until a module provides it, no user is linked to any company.
 */
export interface CompanyMembership {
  companyOfUser(userId: number): Promise<number | undefined>
}

export const NO_MEMBERSHIP: CompanyMembership = { companyOfUser: async () => undefined }

/** Who may read which company, shared by the company and bank-account use cases. */
export function createCompanyAccess(db: CompaniesDb, membership: CompanyMembership) {
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

  return { assertCanRead, assertMayReadCompanies, getCompanyRow }
}

export type CompanyAccess = ReturnType<typeof createCompanyAccess>

/** Unique constraints, not look-ups, decide duplicates; their violations become clear 409s. */
export async function translateUniqueViolations<T>(work: () => Promise<T>): Promise<T> {
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
