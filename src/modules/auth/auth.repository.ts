import { sql, type Generated, type GeneratedAlways, type RawBuilder, type Selectable } from 'kysely'
import type { Executor } from '../../platform/database/transaction.ts'
import type { Role } from '../../platform/http/actor.ts'
import { FIRST_LOCK_SECONDS, LONGEST_LOCK_SECONDS } from './login-throttle.ts'

export type AuthTables = {
  users: {
    id: GeneratedAlways<number>
    email: string
    password_hash: string | null
    first_name: string
    last_name: string
    phone: string | null
    iban: string | null
    roles: Role[]
    is_active: Generated<boolean>
    email_verified_at: Date | null
    created_at: Date
    updated_at: Date
  }
  sessions: {
    id: string
    user_id: number
    created_at: Date
    revoked_at: Date | null
    revoked_reason: string | null
  }
  refresh_tokens: {
    token_hash: string
    session_id: string
    created_at: Date
    expires_at: Date
    used_at: Date | null
  }
  login_throttles: {
    account_key: string
    failures: number
    last_failure_at: Date
    locked_until: Date | null
  }
}

export type AuthDb = Executor<AuthTables>
export type UserRow = Selectable<AuthTables['users']>

export interface NewUser {
  email: string
  passwordHash: string | null
  firstName: string
  lastName: string
  phone: string | null
  iban: string | null
  roles: Role[]
  emailVerified: boolean
  now: Date
}

export async function insertUser(db: AuthDb, user: NewUser): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      email: user.email,
      password_hash: user.passwordHash,
      first_name: user.firstName,
      last_name: user.lastName,
      phone: user.phone,
      iban: user.iban,
      roles: user.roles,
      email_verified_at: user.emailVerified ? user.now : null,
      created_at: user.now,
      updated_at: user.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findUserByEmail(db: AuthDb, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst()
}

export async function findUserById(db: AuthDb, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface UserChanges {
  first_name?: string
  last_name?: string
  phone?: string | null
  iban?: string | null
  password_hash?: string
  roles?: Role[]
  is_active?: boolean
}

export async function updateUser(db: AuthDb, id: number, changes: UserChanges, now: Date): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export interface UserFilter {
  email?: string | undefined
  role?: Role | undefined
}

export async function listUsers(
  db: AuthDb,
  filter: UserFilter,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: UserRow[] }> {
  let query = db.selectFrom('users')
  if (filter.email !== undefined)
    query = query.where(sql<string>`lower(email)`, '=', filter.email.toLowerCase())
  if (filter.role !== undefined) query = query.where(sql<boolean>`roles @> array[${filter.role}]::text[]`)
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query.selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute(),
  ])
  return { count: total.count, rows }
}

/** What an access token is checked against on every request: the user as of now, and its session. */
export async function findSessionHolder(
  db: AuthDb,
  userId: number,
  sessionId: string,
): Promise<{ roles: Role[]; is_active: boolean; revoked_at: Date | null } | undefined> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.roles', 'users.is_active', 'sessions.revoked_at'])
    .where('sessions.id', '=', sessionId)
    .where('users.id', '=', userId)
    .executeTakeFirst()
}

export async function insertSession(
  db: AuthDb,
  session: { id: string; userId: number; now: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: session.id, user_id: session.userId, created_at: session.now })
    .execute()
}

export async function revokeSession(db: AuthDb, sessionId: string, reason: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Revokes every open session of a user, except `keep` (the caller's own, when given). */
export async function revokeUserSessions(
  db: AuthDb,
  userId: number,
  reason: string,
  now: Date,
  keep?: string,
): Promise<void> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
  if (keep !== undefined) query = query.where('id', '!=', keep)
  await query.execute()
}

export async function insertRefreshToken(
  db: AuthDb,
  token: { hash: string; sessionId: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      token_hash: token.hash,
      session_id: token.sessionId,
      created_at: token.now,
      expires_at: token.expiresAt,
    })
    .execute()
}

/**
 * Spends a refresh token: one conditional update, so of two concurrent refreshes with the same token
 * exactly one succeeds. Returns the session and user it belongs to, or undefined (leaving the token
 * untouched) when it was already used, has expired, or its session or user is no longer valid: only a
 * token that really was used counts as reused.
 */
export async function spendRefreshToken(
  db: AuthDb,
  hash: string,
  now: Date,
): Promise<{ sessionId: string; userId: number } | undefined> {
  const spent = await db
    .updateTable('refresh_tokens')
    .from(['sessions', 'users'])
    .set({ used_at: now })
    .whereRef('sessions.id', '=', 'refresh_tokens.session_id')
    .whereRef('users.id', '=', 'sessions.user_id')
    .where('refresh_tokens.token_hash', '=', hash)
    .where('refresh_tokens.used_at', 'is', null)
    .where('refresh_tokens.expires_at', '>', now)
    .where('sessions.revoked_at', 'is', null)
    .where('users.is_active', '=', true)
    .returning(['refresh_tokens.session_id', 'users.id as user_id'])
    .executeTakeFirst()
  return spent ? { sessionId: spent.session_id, userId: spent.user_id } : undefined
}

export async function findRefreshToken(
  db: AuthDb,
  hash: string,
): Promise<{ session_id: string; used_at: Date | null; user_id: number } | undefined> {
  return db
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
    .select(['refresh_tokens.session_id', 'refresh_tokens.used_at', 'sessions.user_id'])
    .where('token_hash', '=', hash)
    .executeTakeFirst()
}

export async function findLoginThrottle(
  db: AuthDb,
  accountKey: string,
): Promise<Selectable<AuthTables['login_throttles']> | undefined> {
  return db.selectFrom('login_throttles').selectAll().where('account_key', '=', accountKey).executeTakeFirst()
}

/**
 * Reserves one login attempt for an account key before its password is checked, in one statement:
 * the attempt counts as a failure up front (a success clears the count afterwards), and the count
 * that reaches the threshold locks the key in the same update. A key already locked is not updated,
 * and then no row comes back: the caller refuses the attempt. So attempts racing each other are
 * counted one by one, and never more than the threshold of them get their password checked.
 * Failures older than `forgetBefore` no longer count.
 */
export async function reserveLoginAttempt(
  db: AuthDb,
  accountKey: string,
  { now, forgetBefore, threshold }: { now: Date; forgetBefore: Date; threshold: number },
): Promise<{ failures: number; locked_until: Date | null } | undefined> {
  const failures = sql<number>`case when login_throttles.last_failure_at < ${forgetBefore} then 1 else login_throttles.failures + 1 end`
  const row = await db
    .insertInto('login_throttles')
    .values({
      account_key: accountKey,
      failures: 1,
      last_failure_at: now,
      locked_until: lockedUntil(sql<number>`1`, now, threshold),
    })
    .onConflict((oc) =>
      oc
        .column('account_key')
        .doUpdateSet({
          failures,
          last_failure_at: now,
          locked_until: lockedUntil(failures, now, threshold),
        })
        .where((eb) =>
          eb.or([
            eb('login_throttles.locked_until', 'is', null),
            eb('login_throttles.locked_until', '<=', now),
          ]),
        ),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirst()
  return row
}

/** `lockoutSeconds` of login-throttle.ts, in SQL, so the lock is set in the update that counts. */
function lockedUntil(failures: RawBuilder<number>, now: Date, threshold: number): RawBuilder<Date | null> {
  return sql<Date | null>`case when ${failures} < ${threshold} then null
    else ${now}::timestamptz + make_interval(secs => least(
      ${FIRST_LOCK_SECONDS} * power(2, least(${failures} - ${threshold}, 20)), ${LONGEST_LOCK_SECONDS})) end`
}

export async function clearLoginThrottle(db: AuthDb, accountKey: string): Promise<void> {
  await db.deleteFrom('login_throttles').where('account_key', '=', accountKey).execute()
}
