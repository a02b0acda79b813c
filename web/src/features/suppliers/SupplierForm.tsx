import { useState } from 'react'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { Notice } from '../../ui/states'
import { useLinkSupplier } from './queries'

/** Ids as typed; a blank or non-number goes to the API as is, which names the field that is wrong. */
function idValue(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text)
}

export function SupplierForm() {
  const [user, setUser] = useState('')
  const [company, setCompany] = useState('')
  const link = useLinkSupplier()
  return (
    <form
      className="form"
      noValidate
      aria-labelledby="link-supplier-title"
      onSubmit={onSubmit(() => link.mutate({ user: idValue(user), company: idValue(company) }))}
    >
      <h2 id="link-supplier-title">Link a user and a company</h2>
      <p className="muted">
        The user then acts for the company as its supplier. Each can be one supplier only.
      </p>
      <TextField
        label="User id"
        name="user"
        inputMode="numeric"
        hint="The user’s account must have a verified email."
        value={user}
        onChange={setUser}
        error={link.error}
      />
      <TextField
        label="Company id"
        name="company"
        inputMode="numeric"
        hint="The number in the company’s page address, under Companies."
        value={company}
        onChange={setCompany}
        error={link.error}
      />
      <FormErrors error={link.error} fields={['user', 'company']} />
      {link.isSuccess ? (
        <Notice>
          Supplier #{link.data.id} linked: {link.data.corporate_name}.
        </Notice>
      ) : null}
      <button type="submit" className="primary" disabled={link.isPending}>
        Link supplier
      </button>
    </form>
  )
}
