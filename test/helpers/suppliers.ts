import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { signIn, type SignedInUser } from './accounts.ts'
import type { TestApp } from './app.ts'

export interface SupplierAccount {
  /** The supplier's id. */
  id: number
  /** Its company's id and registration number. */
  company: number
  registration: string
  /** The user who acts for the supplier. */
  user: SignedInUser
}

export interface NewSupplierOptions {
  /** The user to link; a new verified user by default. */
  user?: SignedInUser
  legalName?: string
  /** The company's bank accounts, as `POST /api/companies` takes them; none by default. */
  bankAccounts?: object[]
}

/** A random registration number (14 digits), unique enough for one test database. */
export function newRegistrationNumber(): string {
  return String(randomInt(10_000_000_000_000, 100_000_000_000_000))
}

/**
 * A company and a user linked to it as a supplier, set up through the API by `by` (an operator or an
 * admin), as a finance team does it.
 */
export async function newSupplier(
  t: TestApp,
  by: SignedInUser,
  options: NewSupplierOptions = {},
): Promise<SupplierAccount> {
  const user = options.user ?? (await signIn(t))
  const registration = newRegistrationNumber()
  const company = await t.app.inject({
    method: 'POST',
    url: '/api/companies',
    headers: by.headers,
    payload: {
      legal_name: options.legalName ?? 'Fornecedora Ltda.',
      registration_number: registration,
      email: 'finance@fornecedora.com.br',
      ...(options.bankAccounts ? { bank_accounts: options.bankAccounts } : {}),
    },
  })
  assert.equal(company.statusCode, 201, company.body)
  const companyId = company.json<{ id: number }>().id
  const supplier = await t.app.inject({
    method: 'POST',
    url: '/api/suppliers',
    headers: by.headers,
    payload: { user: user.id, company: companyId },
  })
  assert.equal(supplier.statusCode, 201, supplier.body)
  return { id: supplier.json<{ id: number }>().id, company: companyId, registration, user }
}
