import { transaction } from '../../platform/database/transaction.ts'
import { conflict, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { Identity, SsoProvider } from './sso.schemas.ts'
import type { OidcProviders } from './oidc-providers.ts'
import * as repository from './sso.repository.ts'
import type { IdentityRow, SsoDb } from './sso.repository.ts'

export type IdentitiesService = ReturnType<typeof createIdentitiesService>

/** The providers one may sign in with, and the identities a user linked to their account. */
export function createIdentitiesService(db: SsoDb, providers: OidcProviders, publicUrl: string) {
  function listProviders(): SsoProvider[] {
    return providers.configured().map((provider) => ({
      name: provider.name,
      label: provider.label,
      login_url: `${publicUrl}/api/auth/sso/${provider.name}/login`,
    }))
  }

  async function identitiesOf(actor: Actor): Promise<Identity[]> {
    return (await repository.listIdentities(db, actor.userId)).map(toIdentity)
  }

  /**
   * Unlinks an identity, unless it is the user's last way to sign in: no password and no other
   * identity at a provider still configured. The user's row is locked first, so two removals at
   * once cannot both pass that check.
   */
  async function unlinkIdentity(actor: Actor, id: number): Promise<void> {
    const configured = new Set(providers.configured().map((provider) => provider.name))
    await transaction(db, async (tx) => {
      const user = await repository.lockUser(tx, actor.userId)
      const identities = await repository.listIdentities(tx, actor.userId)
      if (!user || !identities.some((identity) => identity.id === id)) throw notFound('Identity')
      const otherWays = identities.filter(
        (identity) => identity.id !== id && configured.has(identity.provider),
      )
      if (user.password_hash === null && otherWays.length === 0) {
        throw conflict(
          'last_sign_in_method',
          'This is your last way to sign in: set a password or link another provider first.',
        )
      }
      await repository.deleteIdentity(tx, actor.userId, id)
    })
  }

  return { listProviders, identitiesOf, unlinkIdentity }
}

function toIdentity(row: IdentityRow): Identity {
  return {
    id: row.id,
    provider: row.provider,
    subject: row.subject,
    email: row.email,
    created_at: row.created_at.toISOString(),
  }
}
