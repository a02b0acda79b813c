import { sql } from 'kysely'
import { ROLES, type Role } from '../../platform/http/actor.ts'
import type { AuthDb } from './auth.repository.ts'

/** Active users: how many in all, and how many hold each role (a user may hold several, or none). */
export async function activeUsersByRole(
  db: AuthDb,
): Promise<{ users: number; byRole: Record<Role, number> }> {
  const { rows } = await sql<{ role: string | null; users: number }>`
    select null as role, count(*)::int as users from users where is_active
    union all
    select role, count(*)::int from users cross join unnest(roles) as role where is_active group by role`.execute(
    db,
  )
  const byRole = Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>
  let users = 0
  for (const row of rows) {
    if (row.role === null) users = row.users
    else if ((ROLES as readonly string[]).includes(row.role)) byRole[row.role as Role] = row.users
  }
  return { users, byRole }
}
