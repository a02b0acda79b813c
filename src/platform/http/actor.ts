/** The roles a user can hold. They do not imply each other. */
export const ROLES = ['admin', 'operator', 'approver'] as const
export type Role = (typeof ROLES)[number]

/** Who is making an authenticated request, as of this request (role changes apply at once). */
export interface Actor {
  userId: number
  roles: readonly Role[]
  /** The login session the access token belongs to. */
  sessionId: string
  /** The HTTP request being served (audit events name it); absent outside a request. */
  requestId?: string
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((role) => roles.includes(role))
}
