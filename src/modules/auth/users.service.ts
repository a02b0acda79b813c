import type { Audit } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { conflict, notFound } from '../../platform/errors.ts'
import type { Actor, Role } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import * as repository from './auth.repository.ts'
import type { AuthDb, UserRow } from './auth.repository.ts'
import type { AdminUser, UsersQuery } from './auth.schemas.ts'
import { supplierShownBy, toUser, type SupplierOfUser } from './auth.service.ts'
import { endAccountAccess } from './account-access.ts'

export type UsersService = ReturnType<typeof createUsersService>

/** Admin management of accounts: list, roles, deactivation. Role changes and deactivations are audited. */
export function createUsersService(db: AuthDb, clock: Clock, audit: Audit, supplierOfUser: SupplierOfUser) {
  const withSupplier = supplierShownBy(supplierOfUser)

  async function getUser(id: number): Promise<UserRow> {
    const user = await repository.findUserById(db, id)
    if (!user) throw notFound('User')
    return user
  }

  async function assertUserExists(id: number): Promise<void> {
    await getUser(id)
  }

  async function listUsers(
    query: UsersQuery,
    page: PageRequest,
  ): Promise<{ count: number; results: AdminUser[] }> {
    const { count, rows } = await repository.listUsers(db, { email: query.email, role: query.role }, page)
    return { count, results: await Promise.all(rows.map((row) => withSupplier(toAdminUser(row)))) }
  }

  async function setRoles(actor: Actor, userId: number, roles: Role[]): Promise<AdminUser> {
    const user = await getUser(userId)
    if (user.id === actor.userId && user.roles.includes('admin') && !roles.includes('admin')) {
      throw conflict('cannot_remove_own_admin', 'You cannot remove your own admin role; ask another admin.')
    }
    const updated = await transaction(db, async (tx) => {
      const row = await repository.updateUser(tx, user.id, { roles }, clock.now())
      await audit.record(tx, {
        actor,
        action: 'user.roles_changed',
        subject: { type: 'user', id: user.id },
        changes: { roles: { from: user.roles, to: row.roles } },
      })
      return row
    })
    return withSupplier(toAdminUser(updated))
  }

  /** Soft delete: the account stays (for history) but cannot log in, and its tokens stop working now. */
  async function deactivate(actor: Actor, userId: number): Promise<void> {
    const user = await getUser(userId)
    if (user.id === actor.userId) {
      throw conflict('cannot_deactivate_self', 'You cannot deactivate your own account; ask another admin.')
    }
    const now = clock.now()
    await transaction(db, async (tx) => {
      await repository.updateUser(tx, user.id, { is_active: false }, now)
      await endAccountAccess(tx, user.id, 'deactivated', now)
      await audit.record(tx, {
        actor,
        action: 'user.deactivated',
        subject: { type: 'user', id: user.id },
        changes: { is_active: { from: user.is_active, to: false } },
      })
    })
  }

  return { assertUserExists, listUsers, setRoles, deactivate }
}

function toAdminUser(row: UserRow): AdminUser {
  return { ...toUser(row), is_active: row.is_active }
}
