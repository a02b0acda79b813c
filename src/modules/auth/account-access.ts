import type { AuthDb } from './auth.repository.ts'
import { revokeUserSessions } from './auth.repository.ts'
import { retireUserTokens, type UserTokenTables } from './user-tokens.repository.ts'

/**
 * Ends what lets anyone act as this account without its new password: its sessions (but `keep`,
 * the one that changed the password) and any password-reset link not used yet. Run in the
 * transaction of the change that calls for it — a password change or reset, a deactivation — so a
 * link mailed before the change cannot undo it.
 */
export async function endAccountAccess(
  tx: AuthDb,
  userId: number,
  reason: 'password_changed' | 'password_reset' | 'deactivated',
  now: Date,
  keep?: string,
): Promise<void> {
  await revokeUserSessions(tx, userId, reason, now, keep)
  await retireUserTokens(tx.$extendTables<UserTokenTables>(), userId, 'password_reset', now)
}
