import { randomUUID } from 'node:crypto'
import type { Audit } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import { isUniqueViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import {
  AppError,
  conflict,
  FieldErrorCollector,
  invalid,
  notFound,
  unauthenticated,
} from '../../platform/errors.ts'
import type { Actor, Role } from '../../platform/http/actor.ts'
import { ibanProblem, normalizeIban } from '../../platform/validation/iban.ts'
import * as repository from './auth.repository.ts'
import type { AuthDb, UserRow } from './auth.repository.ts'
import type { RegisterBody, TokenPair, UpdateMeBody, User } from './auth.schemas.ts'
import { endAccountAccess } from './account-access.ts'
import { loginAccountKey, FAILURE_MEMORY_MS } from './login-throttle.ts'
import { hashPassword, passwordProblems, spendPasswordCheck, verifyPassword } from './passwords.ts'
import { accessTokens, hashToken, newRefreshToken } from './tokens.ts'

export interface AuthSettings {
  jwtSecret: string
  accessTtlSeconds: number
  refreshTtlSeconds: number
  lockoutThreshold: number
}

export interface NewAccount {
  email: string
  password: string
  firstName: string
  lastName: string
  phone?: string | null | undefined
  iban?: string | null | undefined
  roles?: Role[]
  /**
   * True for accounts an administrator vouches for (CLI, demo data): no verification email is sent.
   * Self-registered accounts get one.
   */
  emailVerified?: boolean
}

/** Sends the verification email of a new account, in the transaction that creates it. */
export type SendVerification = (tx: AuthDb, user: UserRow) => Promise<void>

/** The supplier a user acts for (supplier payments knows); undefined when none. */
export type SupplierOfUser = (userId: number) => Promise<number | undefined>

const INVALID_CREDENTIALS = 'No active account found with the given credentials'

export type AuthService = ReturnType<typeof createAuthService>

/** Adds the supplier a user acts for to their shown profile. */
export function supplierShownBy(supplierOfUser: SupplierOfUser) {
  return async <T extends User>(user: T): Promise<T> => ({
    ...user,
    supplier: (await supplierOfUser(user.id)) ?? null,
  })
}

export interface UserProfile {
  email: string
  first_name: string
  last_name: string
  iban: string | null
  email_verified: boolean
}

export function createAuthService(
  db: AuthDb,
  clock: Clock,
  settings: AuthSettings,
  sendVerification: SendVerification,
  supplierOfUser: SupplierOfUser,
  audit: Audit,
) {
  const withSupplier = supplierShownBy(supplierOfUser)

  const tokens = accessTokens(settings.jwtSecret, settings.accessTtlSeconds, clock)

  /** Creates an account; the same rules for self-registration, the CLI and demo data. */
  async function createAccount(account: NewAccount): Promise<User> {
    const email = account.email.trim().toLowerCase()
    const fields = new FieldErrorCollector()
    for (const problem of passwordProblems(account.password, email)) fields.add('password', problem)
    const iban = checkedIban(account.iban, fields)
    requireText(account.firstName, 'first_name', fields)
    requireText(account.lastName, 'last_name', fields)
    fields.throwIfAny()
    const passwordHash = await hashPassword(account.password)
    const emailVerified = account.emailVerified ?? false
    try {
      const row = await transaction(db, async (tx) => {
        const user = await repository.insertUser(tx, {
          email,
          passwordHash,
          firstName: account.firstName.trim(),
          lastName: account.lastName.trim(),
          phone: account.phone ?? null,
          iban,
          roles: account.roles ?? [],
          emailVerified,
          now: clock.now(),
        })
        if (!emailVerified) await sendVerification(tx, user)
        return user
      })
      return toUser(row)
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) {
        throw conflict('email_taken', 'A user with this email address already exists.')
      }
      throw error
    }
  }

  async function register(body: RegisterBody): Promise<User> {
    return createAccount({
      email: body.email,
      password: body.password,
      firstName: body.first_name,
      lastName: body.last_name,
      phone: body.phone,
      iban: body.iban,
    })
  }

  /**
   * Email + password → a new session. The answer for a wrong password, an unknown email and a
   * deactivated account is the same, and costs the same time. Repeated failures lock the account key
   * progressively (also for unknown emails, so a lockout reveals nothing).
   */
  async function login(email: string, password: string): Promise<TokenPair> {
    const accountKey = loginAccountKey(email)
    const now = clock.now()
    const reserved = await repository.reserveLoginAttempt(db, accountKey, {
      now,
      forgetBefore: new Date(now.getTime() - FAILURE_MEMORY_MS),
      threshold: settings.lockoutThreshold,
    })
    if (!reserved) throw await accountLocked(accountKey, now)
    const user = await repository.findUserByEmail(db, email.trim())
    const usable = user?.is_active && user.password_hash !== null ? user : undefined
    const matches = usable ? await verifyPassword(usable.password_hash ?? '', password) : false
    if (!usable) await spendPasswordCheck(password)
    // The attempt was counted as a failure when it was reserved.
    if (!usable || !matches) throw unauthenticated('invalid_credentials', INVALID_CREDENTIALS)
    await repository.clearLoginThrottle(db, accountKey)
    return startSession(usable)
  }

  async function accountLocked(accountKey: string, now: Date): Promise<AppError> {
    const throttle = await repository.findLoginThrottle(db, accountKey)
    const until = throttle?.locked_until?.getTime() ?? now.getTime()
    const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000))
    return new AppError(
      'rate_limited',
      'account_locked',
      `Too many failed logins for this account; try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    )
  }

  /** Opens a session for a user who proved who they are (a password, or an identity provider). */
  async function startSession(user: UserRow): Promise<TokenPair> {
    const sessionId = randomUUID()
    const refresh = newRefreshToken()
    const now = clock.now()
    await transaction(db, async (tx) => {
      await repository.insertSession(tx, { id: sessionId, userId: user.id, now })
      await repository.insertRefreshToken(tx, {
        hash: refresh.hash,
        sessionId,
        now,
        expiresAt: new Date(now.getTime() + settings.refreshTtlSeconds * 1000),
      })
    })
    return {
      access: await tokens.issue({ userId: user.id, roles: user.roles, sessionId }),
      refresh: refresh.token,
    }
  }

  /**
   * Rotates a refresh token. A token that was already rotated is a sign it leaked: its whole session
   * (every token of the family, and the access tokens naming it) is revoked.
   */
  async function refresh(refreshToken: string): Promise<TokenPair> {
    const hash = hashToken(refreshToken)
    const now = clock.now()
    const outcome = await transaction(db, async (tx) => {
      const spent = await repository.spendRefreshToken(tx, hash, now)
      if (!spent) {
        const known = await repository.findRefreshToken(tx, hash)
        if (known?.used_at) {
          await repository.revokeSession(tx, known.session_id, 'refresh_token_reused', now)
          return { reused: true as const }
        }
        return { invalid: true as const }
      }
      const user = await repository.findUserById(tx, spent.userId)
      const next = newRefreshToken()
      await repository.insertRefreshToken(tx, {
        hash: next.hash,
        sessionId: spent.sessionId,
        now,
        expiresAt: new Date(now.getTime() + settings.refreshTtlSeconds * 1000),
      })
      return { sessionId: spent.sessionId, roles: user?.roles ?? [], userId: spent.userId, token: next.token }
    })
    if ('reused' in outcome) {
      throw unauthenticated(
        'token_reused',
        'This refresh token was already used; the session has been ended. Log in again.',
      )
    }
    if ('invalid' in outcome)
      throw unauthenticated('token_not_valid', 'The refresh token is invalid or expired.')
    return {
      access: await tokens.issue({
        userId: outcome.userId,
        roles: outcome.roles,
        sessionId: outcome.sessionId,
      }),
      refresh: outcome.token,
    }
  }

  /** Ends the session a refresh token belongs to (idempotent for the token's owner). */
  async function logout(actor: Actor, refreshToken: string): Promise<void> {
    const known = await repository.findRefreshToken(db, hashToken(refreshToken))
    if (known?.user_id !== actor.userId) throw invalid('refresh', 'The refresh token is invalid or expired.')
    await repository.revokeSession(db, known.session_id, 'logout', clock.now())
  }

  /** The `authenticate` guard's resolver: token valid, session open, user active, roles as of now. */
  async function resolveActor(accessToken: string): Promise<Actor> {
    const claims = await tokens.verify(accessToken)
    const holder = await repository.findSessionHolder(db, claims.userId, claims.sessionId)
    if (!holder || !holder.is_active || holder.revoked_at !== null) {
      throw unauthenticated('token_not_valid', 'The access token is no longer valid; log in again.')
    }
    return { userId: claims.userId, roles: holder.roles, sessionId: claims.sessionId }
  }

  async function me(actor: Actor): Promise<User> {
    return withSupplier(toUser(await getUser(actor.userId)))
  }

  async function updateMe(actor: Actor, body: UpdateMeBody): Promise<User> {
    const user = await getUser(actor.userId)
    const fields = new FieldErrorCollector()
    const changes: repository.UserChanges = {}
    if (body.first_name !== undefined) changes.first_name = requireText(body.first_name, 'first_name', fields)
    if (body.last_name !== undefined) changes.last_name = requireText(body.last_name, 'last_name', fields)
    if (body.phone !== undefined) changes.phone = body.phone
    if (body.iban !== undefined) changes.iban = checkedIban(body.iban, fields)
    const changesPassword = body.new_password !== undefined
    if (changesPassword) {
      if (body.current_password === undefined) {
        fields.add('current_password', 'Enter your current password to set a new one.')
      } else if (!user.password_hash || !(await verifyPassword(user.password_hash, body.current_password))) {
        fields.add('current_password', 'Your current password is not correct.')
      }
      for (const problem of passwordProblems(body.new_password ?? '', user.email))
        fields.add('new_password', problem)
    } else if (body.current_password !== undefined) {
      fields.add('new_password', 'This field is required to change the password.')
    }
    fields.throwIfAny()
    if (changesPassword) changes.password_hash = await hashPassword(body.new_password ?? '')
    const now = clock.now()
    const updated = await transaction(db, async (tx) => {
      const row = await repository.updateUser(tx, user.id, changes, now)
      if (changesPassword) {
        await endAccountAccess(tx, user.id, 'password_changed', now, actor.sessionId)
      }
      // Refunds are paid to this IBAN: who changed it, and when, is on record (masked).
      if (row.iban !== user.iban) {
        await audit.record(tx, {
          actor,
          action: 'user.iban_changed',
          subject: { type: 'user', id: user.id },
          changes: { iban: { from: user.iban, to: row.iban } },
        })
      }
      return row
    })
    return withSupplier(toUser(updated))
  }

  /**
   * Who to write to about a user's affairs (other modules' emails), and whether they proved that
   * address; undefined for unknown users.
   */
  async function contactOf(
    id: number,
  ): Promise<{ email: string; first_name: string; email_verified: boolean } | undefined> {
    const user = await repository.findUserById(db, id)
    if (!user) return undefined
    return { email: user.email, first_name: user.first_name, email_verified: isVerified(user) }
  }

  /** A user's names, email and refund IBAN (complaints pay refunds to it); undefined for unknown users. */
  async function profileOf(id: number): Promise<UserProfile | undefined> {
    const user = await repository.findUserById(db, id)
    if (!user) return undefined
    return {
      email: user.email,
      first_name: user.first_name,
      last_name: user.last_name,
      iban: user.iban,
      email_verified: isVerified(user),
    }
  }

  async function userIdByEmail(email: string): Promise<number | undefined> {
    return (await repository.findUserByEmail(db, email))?.id
  }

  async function getUser(id: number): Promise<UserRow> {
    const user = await repository.findUserById(db, id)
    if (!user) throw notFound('User')
    return user
  }

  return {
    createAccount,
    register,
    login,
    startSession,
    refresh,
    logout,
    resolveActor,
    me,
    updateMe,
    contactOf,
    profileOf,
    userIdByEmail,
  }
}

function checkedIban(iban: string | null | undefined, fields: FieldErrorCollector): string | null {
  if (iban === undefined || iban === null) return null
  const problem = ibanProblem(iban)
  if (problem) fields.add('iban', problem)
  return normalizeIban(iban)
}

function requireText(value: string, field: string, fields: FieldErrorCollector): string {
  const trimmed = value.trim()
  if (trimmed === '') fields.add(field, 'This field may not be blank.')
  return trimmed
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    phone: row.phone,
    iban: row.iban,
    roles: row.roles,
    supplier: null,
    email_verified: isVerified(row),
    created_at: row.created_at.toISOString(),
  }
}

/**
 * Whether the user proved their email address. The one thing money routes check: a verification
 * link, a password reset, or an identity provider asserting `email_verified` all
 * set the same column.
 */
export function isVerified(row: UserRow): boolean {
  return row.email_verified_at !== null
}
