import type { GeneratedAlways, Selectable } from 'kysely'
import type { Executor } from '../../platform/database/transaction.ts'
import type { AuthTables } from './auth.repository.ts'

export type SsoTables = AuthTables & {
  user_identities: {
    id: GeneratedAlways<number>
    user_id: number
    provider: string
    subject: string
    email: string | null
    created_at: Date
  }
  sso_logins: {
    state_hash: string
    provider: string
    nonce: string
    code_verifier: string
    next_path: string | null
    expires_at: Date
  }
}

export type SsoDb = Executor<SsoTables>
export type IdentityRow = Selectable<SsoTables['user_identities']>
export type PendingLoginRow = Selectable<SsoTables['sso_logins']>

/** Records a sign-in under way, and forgets the ones abandoned before `now`. */
export async function insertPendingLogin(db: SsoDb, login: PendingLoginRow, now: Date): Promise<void> {
  await db.deleteFrom('sso_logins').where('expires_at', '<=', now).execute()
  await db.insertInto('sso_logins').values(login).execute()
}

/** Takes a sign-in under way out of the table: whoever takes it first gets it, and only before it expires. */
export async function takePendingLogin(
  db: SsoDb,
  stateHash: string,
  provider: string,
  now: Date,
): Promise<PendingLoginRow | undefined> {
  return db
    .deleteFrom('sso_logins')
    .where('state_hash', '=', stateHash)
    .where('provider', '=', provider)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst()
}

export async function findIdentity(
  db: SsoDb,
  provider: string,
  subject: string,
): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('user_identities')
    .selectAll()
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst()
}

export async function insertIdentity(
  db: SsoDb,
  identity: { userId: number; provider: string; subject: string; email: string | null; now: Date },
): Promise<IdentityRow> {
  return db
    .insertInto('user_identities')
    .values({
      user_id: identity.userId,
      provider: identity.provider,
      subject: identity.subject,
      email: identity.email,
      created_at: identity.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Keeps the email the provider reported at the last sign-in. */
export async function updateIdentityEmail(db: SsoDb, id: number, email: string | null): Promise<void> {
  await db.updateTable('user_identities').set({ email }).where('id', '=', id).execute()
}

export async function listIdentities(db: SsoDb, userId: number): Promise<IdentityRow[]> {
  return db.selectFrom('user_identities').selectAll().where('user_id', '=', userId).orderBy('id').execute()
}

export async function deleteIdentity(db: SsoDb, userId: number, id: number): Promise<void> {
  await db.deleteFrom('user_identities').where('user_id', '=', userId).where('id', '=', id).execute()
}

/** A provider vouched for the user's email address: it counts as verified. */
export async function markEmailVerified(db: SsoDb, userId: number, now: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: now, updated_at: now })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute()
}

/**
 * Locks the user's row, so two requests removing their last two identities at once cannot leave
 * them with no way to sign in.
 */
export async function lockUser(
  db: SsoDb,
  userId: number,
): Promise<{ password_hash: string | null } | undefined> {
  return db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst()
}
