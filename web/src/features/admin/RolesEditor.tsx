import { useId, useState } from 'react'
import type { Role } from '../../api/me'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { ErrorNotice } from '../../ui/states'
import { ROLES, useSetRoles, type User } from './queries'

function sameRoles(a: Role[], b: Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role))
}

function rolesInWords(roles: Role[]): string {
  const names = ROLES.filter((role) => roles.includes(role.value)).map((role) => role.label.toLowerCase())
  return names.length ? names.join(', ') : 'no staff role'
}

/**
 * A user's roles as checkboxes; "Save roles" asks for confirmation, and the API's answer (a 409 for
 * an admin removing their own admin role) is shown in its words.
 */
export function RolesEditor({ user }: { user: User }) {
  const id = useId()
  const [roles, setRoles] = useState<Role[]>(user.roles)
  const save = useSetRoles()
  const toggle = (role: Role, on: boolean) =>
    setRoles((current) => (on ? [...current, role] : current.filter((r) => r !== role)))
  const changed = !sameRoles(roles, user.roles)
  return (
    <fieldset className="roles" aria-describedby={`${id}-saved`}>
      <legend className="visually-hidden">Roles of {user.email}</legend>
      {ROLES.map((role) => (
        <label key={role.value} className="check">
          <input
            type="checkbox"
            checked={roles.includes(role.value)}
            onChange={(event) => toggle(role.value, event.target.checked)}
            disabled={!user.is_active}
          />
          {role.label}
        </label>
      ))}
      <ConfirmButton
        title={`Change the roles of ${user.email}?`}
        message={`From ${rolesInWords(user.roles)} to ${rolesInWords(roles)}. It takes effect on their next request.`}
        confirmLabel="Save roles"
        disabled={!changed || save.isPending}
        onConfirm={() => save.mutate({ id: user.id, roles })}
      >
        Save roles
      </ConfirmButton>
      <p id={`${id}-saved`} className="muted small" role="status">
        {save.isSuccess && !changed ? 'Roles saved.' : ''}
      </p>
      <ErrorNotice error={save.error} />
    </fieldset>
  )
}
