import { useState } from 'react'
import { Field, FormErrors, onSubmit, TextField } from '../../ui/form'
import { Notice } from '../../ui/states'
import { useAddBankAccount, useBanks, type BankAccountBody } from './queries'
import { useFields } from '../../ui/useFields'

type Kind = 'iban' | 'domestic'

const EMPTY = {
  holder_name: '',
  currency: 'BRL',
  country: '',
  iban: '',
  bic: '',
  bank_code: '',
  branch: '',
  account_number: '',
}
type Draft = typeof EMPTY

const FIELDS = Object.keys(EMPTY).concat('is_default')

/** Only the fields of the kind chosen, blanks left out (the API says which ones it needs). */
function bodyOf(kind: Kind, draft: Draft, isDefault: boolean): BankAccountBody {
  const given = (value: string) => (value.trim() === '' ? undefined : value.trim())
  const common = { holder_name: draft.holder_name, currency: draft.currency, is_default: isDefault }
  const country = given(draft.country)
  const parts =
    kind === 'iban'
      ? { iban: given(draft.iban), bic: given(draft.bic), country }
      : {
          bank_code: given(draft.bank_code),
          branch: given(draft.branch),
          account_number: given(draft.account_number),
          country,
        }
  return {
    ...common,
    ...Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined)),
  }
}

export function BankAccountForm({ companyId }: { companyId: number }) {
  const [kind, setKind] = useState<Kind>('iban')
  const [draft, set, setDraft] = useFields(EMPTY)
  const [isDefault, setIsDefault] = useState(false)
  const add = useAddBankAccount(companyId)
  const text = (key: keyof Draft, label: string, hint?: string) => (
    <TextField
      label={label}
      name={key}
      value={draft[key]}
      onChange={set(key)}
      error={add.error}
      {...(hint ? { hint } : {})}
    />
  )
  const submit = () =>
    add.mutate(bodyOf(kind, draft, isDefault), {
      onSuccess: () => {
        setDraft(EMPTY)
        setIsDefault(false)
      },
    })
  return (
    <form className="form" noValidate aria-labelledby="add-account-title" onSubmit={onSubmit(submit)}>
      <h2 id="add-account-title">Add a bank account</h2>
      <fieldset className="company-fieldset account-kind">
        <legend>Kind of account</legend>
        {(['iban', 'domestic'] as const).map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name="kind"
              value={value}
              checked={kind === value}
              onChange={() => setKind(value)}
            />
            {value === 'iban' ? 'International (IBAN)' : 'Domestic (bank, branch, account)'}
          </label>
        ))}
      </fieldset>
      {text('holder_name', 'Holder name')}
      {kind === 'iban' ? (
        <>
          {text('iban', 'IBAN')}
          {text('bic', 'BIC (optional)')}
        </>
      ) : (
        <DomesticFields draft={draft} set={set} error={add.error} />
      )}
      {text('currency', 'Currency', 'Three letters, e.g. BRL or EUR.')}
      {text('country', 'Country (optional)', 'Two letters; an IBAN names its own.')}
      <label className="check">
        <input type="checkbox" checked={isDefault} onChange={(event) => setIsDefault(event.target.checked)} />
        Default account for this currency
      </label>
      <FormErrors error={add.error} fields={FIELDS} />
      {add.isSuccess ? <Notice>Bank account added.</Notice> : null}
      <button type="submit" className="primary" disabled={add.isPending}>
        Add bank account
      </button>
    </form>
  )
}

function DomesticFields({
  draft,
  set,
  error,
}: {
  draft: Draft
  set: (key: keyof Draft) => (value: string) => void
  error: unknown
}) {
  const banks = useBanks()
  return (
    <>
      <Field label="Bank" name="bank_code" error={error ?? banks.error}>
        {(props) => (
          <select
            {...props}
            value={draft.bank_code}
            onChange={(event) => set('bank_code')(event.target.value)}
          >
            <option value="">{banks.isPending ? 'Loading banks…' : 'Choose a bank'}</option>
            {(banks.data ?? []).map((bank) => (
              <option key={bank.code} value={bank.code}>
                {bank.code} · {bank.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField
        label="Branch"
        name="branch"
        hint="Up to 10 digits."
        value={draft.branch}
        onChange={set('branch')}
        error={error}
      />
      <TextField
        label="Account number"
        name="account_number"
        hint="Up to 12 digits, with its check digit if it has one (12345-6)."
        value={draft.account_number}
        onChange={set('account_number')}
        error={error}
      />
    </>
  )
}
