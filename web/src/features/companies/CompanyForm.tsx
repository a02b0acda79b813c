import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Notice } from '../../ui/states'
import type { Company, CompanyBody } from './queries'
import { useFields } from '../../ui/useFields'

const DETAILS = [
  ['legal_name', 'Legal name'],
  ['trade_name', 'Trade name (optional)'],
  ['registration_number', 'Registration number'],
  ['email', 'Email'],
  ['phone', 'Phone (optional)'],
  ['website', 'Website (optional)'],
] as const
const BILLING = [
  ['declared_billing', 'Declared annual revenue (optional)'],
  ['billing_email', 'Billing email (optional)'],
] as const
const ADDRESS = [
  ['line1', 'Address line 1'],
  ['line2', 'Address line 2 (optional)'],
  ['city', 'City'],
  ['region', 'Region (optional)'],
  ['postal_code', 'Postal code'],
  ['country', 'Country (two letters, e.g. BR)'],
] as const

type Key = (typeof DETAILS)[number][0] | (typeof BILLING)[number][0]
type AddressKey = (typeof ADDRESS)[number][0]
type Draft = Record<Key, string> & { address: Record<AddressKey, string> }

export const COMPANY_FIELDS: string[] = [
  ...DETAILS.map(([key]) => key),
  ...BILLING.map(([key]) => key),
  ...ADDRESS.map(([key]) => `billing_address.${key}`),
]

function draftOf(company: Company | undefined): Draft {
  const address = company?.billing_address
  return {
    legal_name: company?.legal_name ?? '',
    trade_name: company?.trade_name ?? '',
    registration_number: company?.registration_number ?? '',
    email: company?.email ?? '',
    phone: company?.phone ?? '',
    website: company?.website ?? '',
    declared_billing: company?.declared_billing ?? '',
    billing_email: company?.billing_email ?? '',
    address: {
      line1: address?.line1 ?? '',
      line2: address?.line2 ?? '',
      city: address?.city ?? '',
      region: address?.region ?? '',
      postal_code: address?.postal_code ?? '',
      country: address?.country ?? '',
    },
  }
}

/** The form as the API takes it: blanks are "none" (null), an address left blank is no address. */
function bodyOf(draft: Draft): CompanyBody {
  const orNull = (value: string) => (value.trim() === '' ? null : value)
  const { address } = draft
  const anyAddress = Object.values(address).some((value) => value.trim() !== '')
  return {
    legal_name: draft.legal_name,
    registration_number: draft.registration_number,
    email: draft.email,
    trade_name: orNull(draft.trade_name),
    phone: orNull(draft.phone),
    website: orNull(draft.website),
    declared_billing: orNull(draft.declared_billing),
    billing_email: orNull(draft.billing_email),
    billing_address: anyAddress
      ? { ...address, line2: orNull(address.line2), region: orNull(address.region) }
      : null,
  }
}

/** Creates or edits a company: its details, billing details and billing address. */
export function CompanyForm({
  company,
  save,
}: {
  company?: Company | undefined
  save: {
    mutate: (body: CompanyBody) => void
    error: unknown
    isPending: boolean
    isSuccess: boolean
  }
}) {
  const [draft, set, setDraft] = useFields(() => draftOf(company))
  const setAddress = (key: AddressKey) => (value: string) =>
    setDraft((current) => ({ ...current, address: { ...current.address, [key]: value } }))
  const field = ([key, label]: readonly [Key, string]) => (
    <TextField key={key} label={label} name={key} value={draft[key]} onChange={set(key)} error={save.error} />
  )
  return (
    <form
      className="form"
      noValidate
      aria-labelledby="company-form-title"
      onSubmit={onSubmit(() => save.mutate(bodyOf(draft)))}
    >
      <h2 id="company-form-title">{company ? 'Details' : 'New company'}</h2>
      {DETAILS.map(field)}
      <fieldset className="company-fieldset">
        <legend>Billing</legend>
        {BILLING.map(field)}
      </fieldset>
      <fieldset className="company-fieldset">
        <legend>Billing address</legend>
        {ADDRESS.map(([key, label]) => (
          <TextField
            key={key}
            label={label}
            name={`billing_address.${key}`}
            value={draft.address[key]}
            onChange={setAddress(key)}
            error={save.error}
          />
        ))}
      </fieldset>
      <FormErrors error={save.error} fields={COMPANY_FIELDS} />
      {save.isSuccess && company ? <Notice>Saved.</Notice> : null}
      <button type="submit" className="primary" disabled={save.isPending}>
        {company ? 'Save company' : 'Create company'}
      </button>
    </form>
  )
}
