import type { Executor } from '../../platform/database/transaction.ts'

export type UserTokenPurpose = 'verify_email' | 'password_reset'

export type UserTokenTables = {
  user_tokens: {
    token_hash: string
    user_id: number
    purpose: UserTokenPurpose
    created_at: Date
    expires_at: Date
    used_at: Date | null
  }
  users: {
    id: number
    email_verified_at: Date | null
    password_hash: string | null
    updated_at: Date
  }
}

type Db = Executor<UserTokenTables>

export async function insertUserToken(
  db: Db,
  token: { hash: string; userId: number; purpose: UserTokenPurpose; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('user_tokens')
    .values({
      token_hash: token.hash,
      user_id: token.userId,
      purpose: token.purpose,
      created_at: token.now,
      expires_at: token.expiresAt,
    })
    .execute()
}

/** Marks every unused token of a purpose as used, so only the newest one sent works. */
export async function retireUserTokens(
  db: Db,
  userId: number,
  purpose: UserTokenPurpose,
  now: Date,
): Promise<void> {
  await db
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute()
}

/**
 * Uses a token: one conditional update, so a token works once even under concurrent requests.
 * Returns its user, or why it cannot be used.
 */
export async function spendUserToken(
  db: Db,
  hash: string,
  purpose: UserTokenPurpose,
  now: Date,
): Promise<{ userId: number } | { problem: 'unknown' | 'used' | 'expired' }> {
  const spent = await db
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst()
  if (spent) return { userId: spent.user_id }
  const known = await db
    .selectFrom('user_tokens')
    .select(['used_at', 'expires_at'])
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .executeTakeFirst()
  if (!known) return { problem: 'unknown' }
  return { problem: known.used_at ? 'used' : 'expired' }
}

export async function markEmailVerified(db: Db, userId: number, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: now, updated_at: now })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute()
}
