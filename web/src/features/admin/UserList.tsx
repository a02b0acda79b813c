import { useState } from 'react'
import type { Role } from '../../api/me'
import { setQuery, useLocation } from '../../router'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { DataTable, Pager, pageFrom } from '../../ui/DataTable'
import { Field, onSubmit, TextField } from '../../ui/form'
import { Page } from '../../ui/Page'
import { ErrorNotice, QueryState } from '../../ui/states'
import { StatusBadge } from '../../ui/Tabs'
import { ROLES, useDeactivateUser, useUsers, type User } from './queries'
import { RolesEditor } from './RolesEditor'
import './admin.css'

function roleFrom(value: string | null): Role | undefined {
  return ROLES.find((role) => role.value === value)?.value
}

/** Users, found by email or role; their roles changed and accounts deactivated here. */
export function UserList() {
  const { query } = useLocation()
  const page = pageFrom(query)
  const email = query.get('email') ?? ''
  const role = roleFrom(query.get('role'))
  const users = useUsers({ page, email: email || undefined, role })
  return (
    <Page title="Users">
      <UserFilters key={`${email}-${role ?? ''}`} email={email} role={role ?? ''} />
      <QueryState query={users}>
        {(list) => (
          <>
            <UserTable users={list.results} />
            <Pager page={page} list={list} />
          </>
        )}
      </QueryState>
    </Page>
  )
}

function UserFilters({ email, role }: { email: string; role: string }) {
  const [form, setForm] = useState({ email, role })
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Find users"
      onSubmit={onSubmit(() => setQuery({ email: form.email.trim(), role: form.role, page: undefined }))}
    >
      <TextField
        label="Email"
        name="email"
        hint="The whole address."
        type="email"
        value={form.email}
        onChange={(value) => setForm((current) => ({ ...current, email: value }))}
        error={undefined}
      />
      <Field label="Role" name="role" error={undefined}>
        {(props) => (
          <select
            {...props}
            value={form.role}
            onChange={(event) => setForm((current) => ({ ...current, role: event.target.value }))}
          >
            <option value="">Any role</option>
            {ROLES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary">
        Find
      </button>
    </form>
  )
}

function UserTable({ users }: { users: User[] }) {
  const deactivate = useDeactivateUser()
  return (
    <>
      <ErrorNotice error={deactivate.error} />
      <DataTable
        caption="Users"
        rows={users}
        empty="No user matches these filters."
        columns={[
          { header: 'Name', cell: (user) => `${user.first_name} ${user.last_name}`.trim() || '—' },
          { header: 'Email', cell: (user) => user.email },
          { header: 'Roles', cell: (user) => <RolesEditor user={user} /> },
          {
            header: 'Status',
            cell: (user) =>
              user.is_active ? (
                <StatusBadge status="active" label="Active" />
              ) : (
                <StatusBadge status="deactivated" label="Deactivated" />
              ),
          },
          {
            header: 'Actions',
            cell: (user) =>
              user.is_active ? (
                <ConfirmButton
                  danger
                  title={`Deactivate ${user.email}?`}
                  message="They can no longer sign in, and their sessions end at once."
                  confirmLabel="Deactivate"
                  disabled={deactivate.isPending}
                  onConfirm={() => deactivate.mutate(user.id)}
                >
                  Deactivate
                </ConfirmButton>
              ) : null,
          },
        ]}
      />
    </>
  )
}
