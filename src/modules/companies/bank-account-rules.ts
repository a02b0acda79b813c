import type { FieldErrorCollector } from '../../platform/errors.ts'
import { isCountryCode, isCurrencyCode } from '../../platform/validation/codes.ts'
import { ibanCountry, ibanProblem, normalizeIban } from '../../platform/validation/iban.ts'
import type { NewBankAccount } from './companies.schemas.ts'

/** A bank account as stored: either domestic (bank, branch, number) or an IBAN. */
export interface CheckedBankAccount {
  holder_name: string
  bank_code: string | null
  branch: string | null
  account_number: string | null
  iban: string | null
  bic: string | null
  currency: string
  country: string
  is_default: boolean
}

/**
 * Checks one account and puts it in its stored form. Problems are reported under `prefix` (e.g.
 * `bank_accounts.0.`) so a company created with several accounts names the one at fault.
 * Whether `bank_code` exists in the banks table is checked by the caller (it needs the database).
 */
export function checkBankAccount(
  input: NewBankAccount,
  fields: FieldErrorCollector,
  prefix = '',
): CheckedBankAccount {
  const domesticParts = [input.bank_code, input.branch, input.account_number]
  const isDomestic = domesticParts.some((part) => part !== undefined)
  const hasIban = input.iban !== undefined
  if (hasIban && isDomestic) {
    fields.add(
      `${prefix}non_field_errors`,
      'Give either an IBAN or a domestic account (bank, branch, number), not both.',
    )
  } else if (!hasIban && !isDomestic) {
    fields.add(
      `${prefix}non_field_errors`,
      'Give either an IBAN or a domestic account (bank_code, branch, account_number).',
    )
  } else if (isDomestic) {
    if (input.bank_code === undefined)
      fields.add(`${prefix}bank_code`, 'This field is required for a domestic account.')
    if (input.branch === undefined)
      fields.add(`${prefix}branch`, 'This field is required for a domestic account.')
    if (input.account_number === undefined) {
      fields.add(`${prefix}account_number`, 'This field is required for a domestic account.')
    }
    if (input.country === undefined)
      fields.add(`${prefix}country`, 'This field is required for a domestic account.')
  }

  const iban = input.iban === undefined ? null : normalizeIban(input.iban)
  if (input.iban !== undefined) {
    const problem = ibanProblem(input.iban)
    if (problem) fields.add(`${prefix}iban`, problem)
  }
  // Stryker disable next-line StringLiteral: equivalent — with neither a country nor an IBAN an error is already recorded, and an account with errors is never stored.
  let country = input.country ?? (iban ? ibanCountry(iban) : '')
  if (input.country !== undefined && !isCountryCode(input.country)) {
    fields.add(`${prefix}country`, `${input.country} is not an ISO 3166-1 country code.`)
  }
  if (iban && input.country !== undefined && input.country !== ibanCountry(iban)) {
    fields.add(`${prefix}country`, `The IBAN is from ${ibanCountry(iban)}, not ${input.country}.`)
    country = ibanCountry(iban)
  }
  if (!isCurrencyCode(input.currency)) {
    fields.add(`${prefix}currency`, `${input.currency} is not an ISO 4217 currency code.`)
  }
  const holder = input.holder_name.trim()
  if (holder === '') fields.add(`${prefix}holder_name`, 'This field may not be blank.')

  return {
    holder_name: holder,
    bank_code: isDomestic ? (input.bank_code ?? null) : null,
    branch: isDomestic ? (input.branch ?? null) : null,
    account_number: isDomestic ? normalizeAccountNumber(input.account_number) : null,
    iban,
    bic: input.bic === undefined ? null : input.bic.toUpperCase(),
    currency: input.currency,
    country,
    is_default: input.is_default ?? false,
  }
}

/** "123456X" and "123456-x" → "123456-X"; a bare number stays as it is. */
export function normalizeAccountNumber(number: string | undefined): string | null {
  if (number === undefined) return null
  const match = /^(\d{1,12})-?([0-9Xx])?$/.exec(number)
  if (!match?.[1]) return number
  return match[2] === undefined ? match[1] : `${match[1]}-${match[2].toUpperCase()}`
}
