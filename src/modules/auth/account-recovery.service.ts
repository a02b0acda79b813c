import { randomBytes } from 'node:crypto'
import type { Clock } from '../../platform/clock.ts'
import { transaction } from '../../platform/database/transaction.ts'
import type { Emails } from '../../platform/email/email-job.ts'
import { conflict, invalid, invalidFields } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import * as users from './auth.repository.ts'
import type { AuthDb, UserRow } from './auth.repository.ts'
import { endAccountAccess } from './account-access.ts'
import { passwordResetEmail, verificationEmail } from './auth.emails.ts'
import { loginAccountKey } from './login-throttle.ts'
import { hashPassword, passwordProblems } from './passwords.ts'
import { hashToken } from './tokens.ts'
import * as tokens from './user-tokens.repository.ts'
import type { UserTokenTables } from './user-tokens.repository.ts'

export interface RecoverySettings {
  appUrl: string
  verificationTtlSeconds: number
  resetTtlSeconds: number
}

const INVALID_LINK: Record<'unknown' | 'used' | 'expired', string> = {
  unknown: 'This link is not valid. Ask for a new one.',
  used: 'This link was already used. Ask for a new one if you still need it.',
  expired: 'This link has expired. Ask for a new one.',
}

export type AccountRecovery = ReturnType<typeof createAccountRecovery>

/** Email verification and password reset: one-time tokens sent by email, stored hashed. */
export function createAccountRecovery(db: AuthDb, clock: Clock, emails: Emails, settings: RecoverySettings) {
  const tokenDb = (executor: AuthDb) => executor.$extendTables<UserTokenTables>()

  /** A new one-time token for `purpose`; earlier unused ones of the same purpose stop working. */
  async function issueToken(
    executor: AuthDb,
    userId: number,
    purpose: tokens.UserTokenPurpose,
    ttlSeconds: number,
  ): Promise<string> {
    const now = clock.now()
    const token = randomBytes(32).toString('base64url')
    await tokens.retireUserTokens(tokenDb(executor), userId, purpose, now)
    await tokens.insertUserToken(tokenDb(executor), {
      hash: hashToken(token),
      userId,
      purpose,
      now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    })
    return token
  }

  /** Sends a verification link; call inside the transaction that created or changed the account. */
  async function sendVerification(executor: AuthDb, user: UserRow): Promise<void> {
    const token = await issueToken(executor, user.id, 'verify_email', settings.verificationTtlSeconds)
    const link = `${settings.appUrl}/verify-email?token=${token}`
    await emails.enqueue(
      verificationEmail(user, link, token, Math.round(settings.verificationTtlSeconds / 3600)),
      executor,
    )
  }

  async function resendVerification(actor: Actor): Promise<void> {
    const user = await users.findUserById(db, actor.userId)
    if (!user) return
    if (user.email_verified_at)
      throw conflict('email_already_verified', 'Your email address is already verified.')
    await transaction(db, (tx) => sendVerification(tx, user))
  }

  async function verifyEmail(token: string): Promise<void> {
    await transaction(db, async (tx) => {
      const now = clock.now()
      const spent = await tokens.spendUserToken(tokenDb(tx), hashToken(token), 'verify_email', now)
      if ('problem' in spent) throw invalid('token', INVALID_LINK[spent.problem])
      await tokens.markEmailVerified(tokenDb(tx), spent.userId, now)
    })
  }

  /** Always succeeds from the caller's point of view, so it cannot tell which emails have accounts. */
  async function requestPasswordReset(email: string): Promise<void> {
    const user = await users.findUserByEmail(db, email.trim())
    if (!user?.is_active) return
    await transaction(db, async (tx) => {
      const token = await issueToken(tx, user.id, 'password_reset', settings.resetTtlSeconds)
      const link = `${settings.appUrl}/reset-password?token=${token}`
      await emails.enqueue(
        passwordResetEmail(user, link, token, Math.round(settings.resetTtlSeconds / 60)),
        tx,
      )
    })
  }

  /**
   * Sets a new password with a reset token, ends every session of the account, clears its failed
   * logins and — the email having been proven — marks it verified. A rejected password leaves the
   * token usable.
   */
  async function resetPassword(token: string, newPassword: string): Promise<void> {
    await transaction(db, async (tx) => {
      const now = clock.now()
      const spent = await tokens.spendUserToken(tokenDb(tx), hashToken(token), 'password_reset', now)
      if ('problem' in spent) throw invalid('token', INVALID_LINK[spent.problem])
      const user = await users.findUserById(tx, spent.userId)
      if (!user?.is_active) throw invalid('token', INVALID_LINK.unknown)
      const problems = passwordProblems(newPassword, user.email)
      if (problems.length > 0) throw invalidFields({ new_password: problems })
      await users.updateUser(tx, user.id, { password_hash: await hashPassword(newPassword) }, now)
      // Also retires any other reset link sent before this one was used.
      await endAccountAccess(tx, user.id, 'password_reset', now)
      await users.clearLoginThrottle(tx, loginAccountKey(user.email))
      await tokens.markEmailVerified(tokenDb(tx), user.id, now)
    })
  }

  return { sendVerification, resendVerification, verifyEmail, requestPasswordReset, resetPassword }
}
