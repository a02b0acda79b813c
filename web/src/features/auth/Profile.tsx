import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../../api/client'
import { useMe, type Me } from '../../api/me'
import { unwrap } from '../../api/problem'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { DataTable } from '../../ui/DataTable'
import { FormErrors, onSubmit, TextField } from '../../ui/form'
import { DateText } from '../../ui/Money'
import { Page } from '../../ui/Page'
import { ErrorNotice, Notice, QueryState } from '../../ui/states'
import { useFields } from '../../ui/useFields'

export function Profile() {
  const me = useMe()
  return (
    <Page title="Your profile">
      <QueryState query={me}>
        {(user) => (
          <>
            <VerificationNotice user={user} />
            <DetailsForm user={user} />
            <PasswordForm />
            <Identities />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function VerificationNotice({ user }: { user: Me }) {
  const resend = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/auth/verify-email/resend')),
  })
  if (user.email_verified) return null
  return (
    <div className="notice" role="status">
      <p>
        {user.email} is not verified yet: filing complaints and acting for a supplier need a verified address.
      </p>
      {resend.isSuccess ? <p>A new link is on its way.</p> : null}
      <ErrorNotice error={resend.error} />
      <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending}>
        Send a new link
      </button>
    </div>
  )
}

const DETAIL_FIELDS = ['first_name', 'last_name', 'phone', 'iban']

function DetailsForm({ user }: { user: Me }) {
  const queryClient = useQueryClient()
  const [form, set] = useFields({
    first_name: user.first_name,
    last_name: user.last_name,
    phone: user.phone ?? '',
    iban: user.iban ?? '',
  })
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH('/api/auth/me', {
          body: { ...form, phone: form.phone || null, iban: form.iban || null },
        }),
      ),
    onSuccess: (updated) => queryClient.setQueryData(['me'], updated),
  })
  const error = save.error
  return (
    <form
      className="form"
      onSubmit={onSubmit(() => save.mutate())}
      noValidate
      aria-labelledby="details-title"
    >
      <h2 id="details-title">Details</h2>
      <p className="muted">Signed in as {user.email}.</p>
      <TextField
        label="First name"
        name="first_name"
        value={form.first_name}
        onChange={set('first_name')}
        error={error}
      />
      <TextField
        label="Last name"
        name="last_name"
        value={form.last_name}
        onChange={set('last_name')}
        error={error}
      />
      <TextField
        label="Phone"
        name="phone"
        type="tel"
        value={form.phone}
        onChange={set('phone')}
        error={error}
      />
      <TextField
        label="IBAN"
        name="iban"
        hint="Refunds of your complaints are paid to it."
        value={form.iban}
        onChange={set('iban')}
        error={error}
      />
      <FormErrors error={error} fields={DETAIL_FIELDS} />
      {save.isSuccess ? <Notice>Saved.</Notice> : null}
      <button type="submit" className="primary" disabled={save.isPending}>
        Save details
      </button>
    </form>
  )
}

function PasswordForm() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const change = useMutation({
    mutationFn: async () =>
      unwrap(await api.PATCH('/api/auth/me', { body: { current_password: current, new_password: next } })),
    onSuccess: () => {
      setCurrent('')
      setNext('')
    },
  })
  return (
    <form
      className="form"
      onSubmit={onSubmit(() => change.mutate())}
      noValidate
      aria-labelledby="password-title"
    >
      <h2 id="password-title">Password</h2>
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
        error={change.error}
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={setNext}
        error={change.error}
      />
      <FormErrors error={change.error} fields={['current_password', 'new_password']} />
      {change.isSuccess ? <Notice>Password changed.</Notice> : null}
      <button type="submit" disabled={change.isPending}>
        Change password
      </button>
    </form>
  )
}

function Identities() {
  const queryClient = useQueryClient()
  const identities = useQuery({
    queryKey: ['identities'],
    queryFn: async () => unwrap(await api.GET('/api/auth/me/identities')),
  })
  const unlink = useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.DELETE('/api/auth/me/identities/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['identities'] }),
  })
  return (
    <section aria-labelledby="identities-title">
      <h2 id="identities-title">Single sign-on</h2>
      <ErrorNotice error={unlink.error} />
      <QueryState query={identities}>
        {(rows) => (
          <DataTable
            caption="Linked identities"
            rows={rows}
            empty="No identity provider is linked to this account."
            columns={[
              { header: 'Provider', cell: (row) => row.provider },
              { header: 'Email', cell: (row) => row.email ?? '—' },
              { header: 'Linked', cell: (row) => <DateText date={row.created_at} /> },
              {
                header: 'Actions',
                cell: (row) => (
                  <ConfirmButton
                    title="Unlink this identity?"
                    message={`You will no longer sign in with ${row.provider}.`}
                    confirmLabel="Unlink"
                    onConfirm={() => unlink.mutate(row.id)}
                  >
                    Unlink
                  </ConfirmButton>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  )
}
