import * as oidc from 'openid-client'
import type { Clock } from '../../platform/clock.ts'
import { isUniqueViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { AppError, conflict, invalid } from '../../platform/errors.ts'
import * as users from './auth.repository.ts'
import type { UserRow } from './auth.repository.ts'
import type { TokenPair } from './auth.schemas.ts'
import { nextPathProblem } from './next-path.ts'
import type { OidcProviders, ProviderIdentity } from './oidc-providers.ts'
import * as repository from './sso.repository.ts'
import type { SsoDb } from './sso.repository.ts'
import { hashToken } from './tokens.ts'

/** How long a user has to come back from the provider. */
const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000
const NAME_MAX = 150

export interface SsoSignInDeps {
  db: SsoDb
  clock: Clock
  providers: OidcProviders
  /** Opens a session for the user, as a password login does. */
  startSession: (user: UserRow) => Promise<TokenPair>
}

/** What the provider's redirect back to this server carries (the query string, as sent). */
export interface ProviderRedirect {
  state: string | undefined
  /** The whole query string, which openid-client checks (code, state, iss, error). */
  query: string
  callbackUrl: string
}

export type SsoSignIn = ReturnType<typeof createSsoSignIn>

export function createSsoSignIn({ db, clock, providers, startSession }: SsoSignInDeps) {
  /**
   * Starts a sign-in with a provider: a state, a nonce and a PKCE verifier are made, kept here (the
   * state only as a hash) for ten minutes, and the provider's authorization URL carries the state,
   * the nonce and the verifier's S256 challenge.
   */
  async function startSignIn(provider: string, next: string | undefined): Promise<URL> {
    const problem = next === undefined ? undefined : nextPathProblem(next)
    if (problem) throw invalid('next', problem)
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    }
    // First, so an unknown or unreachable provider leaves nothing behind.
    const url = await providers.authorizationUrl(provider, checks)
    const now = clock.now()
    await repository.insertPendingLogin(
      db,
      {
        state_hash: hashToken(checks.state),
        provider,
        nonce: checks.nonce,
        code_verifier: checks.codeVerifier,
        next_path: next ?? null,
        expires_at: new Date(now.getTime() + PENDING_LOGIN_TTL_MS),
      },
      now,
    )
    return url
  }

  /**
   * Finishes a sign-in when the provider sends the user back. The state must name a sign-in under way
   * with this provider (taken, so a replay finds nothing); openid-client checks the code, nonce,
   * issuer and audience; then the identity decides who signs in (see `userOf`), and they get the
   * same token pair as a password login.
   */
  async function finishSignIn(
    provider: string,
    redirect: ProviderRedirect,
  ): Promise<{ tokens: TokenPair; next: string | undefined }> {
    const known = providers.configured().some((candidate) => candidate.name === provider)
    if (!known) throw new AppError('not_found', 'sso_provider_unknown', 'Identity provider not found.')
    const pending =
      redirect.state === undefined
        ? undefined
        : await repository.takePendingLogin(db, hashToken(redirect.state), provider, clock.now())
    if (!pending) {
      throw new AppError(
        'invalid',
        'sso_state_invalid',
        'This sign-in has expired or was already used; start it again.',
      )
    }
    const identity = await providers.identify(
      provider,
      new URL(`${redirect.callbackUrl}?${redirect.query}`),
      {
        state: redirect.state ?? '',
        nonce: pending.nonce,
        codeVerifier: pending.code_verifier,
      },
    )
    const user = await signedInUser(provider, identity)
    return { tokens: await startSession(user), next: pending.next_path ?? undefined }
  }

  /** Two first sign-ins of one person at once: the loser of the unique constraint looks again. */
  async function signedInUser(provider: string, identity: ProviderIdentity): Promise<UserRow> {
    try {
      return await transaction(db, (tx) => userOf(tx, provider, identity))
    } catch (error) {
      const raced =
        isUniqueViolation(error, 'user_identities_provider_subject_key') ||
        isUniqueViolation(error, 'users_email_key')
      if (!raced) throw error
      return transaction(db, (tx) => userOf(tx, provider, identity))
    }
  }

  /**
   * Who the identity is: the user it is linked to; else the user with the same email, linked now,
   * but only when the provider verified that email (anyone can claim an address at a provider that
   * does not check); else a new user without a password. A deactivated user is refused.
   */
  async function userOf(tx: SsoDb, provider: string, identity: ProviderIdentity): Promise<UserRow> {
    const now = clock.now()
    const linked = await repository.findIdentity(tx, provider, identity.subject)
    if (linked) {
      const user = await users.findUserById(tx, linked.user_id)
      if (identity.email !== undefined && identity.email !== linked.email)
        await repository.updateIdentityEmail(tx, linked.id, identity.email)
      return active(user)
    }
    if (identity.email === undefined) {
      throw new AppError(
        'invalid',
        'sso_email_missing',
        'The identity provider did not share an email address; allow the "email" scope and try again.',
      )
    }
    const link = (userId: number) =>
      repository.insertIdentity(tx, {
        userId,
        provider,
        subject: identity.subject,
        email: identity.email ?? null,
        now,
      })
    const existing = await users.findUserByEmail(tx, identity.email)
    if (existing) {
      if (!identity.emailVerified) {
        throw conflict(
          'sso_email_unverified',
          'An account with this email address exists, and the identity provider has not verified the address. Sign in with your password instead.',
        )
      }
      const user = active(existing)
      await link(user.id)
      await repository.markEmailVerified(tx, user.id, now)
      return user
    }
    const user = await users.insertUser(tx, newUserFrom(identity, identity.email, now))
    await link(user.id)
    return user
  }

  return { startSignIn, finishSignIn }
}

function active(user: UserRow | undefined): UserRow {
  if (!user?.is_active) {
    throw new AppError('forbidden', 'account_deactivated', 'This account has been deactivated.')
  }
  return user
}

function newUserFrom(identity: ProviderIdentity, email: string, now: Date): users.NewUser {
  const [firstOfName, ...restOfName] = (identity.name ?? '').split(/\s+/)
  return {
    email,
    passwordHash: null,
    firstName: (identity.givenName ?? (firstOfName || email.split('@')[0]) ?? email).slice(0, NAME_MAX),
    lastName: (identity.familyName ?? restOfName.join(' ')).slice(0, NAME_MAX),
    phone: null,
    iban: null,
    roles: [],
    emailVerified: identity.emailVerified,
    now,
  }
}
