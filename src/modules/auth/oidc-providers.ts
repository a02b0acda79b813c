import * as oidc from 'openid-client'
import type { SsoProviderConfig } from '../../config-sso.ts'
import { AppError, notFound } from '../../platform/errors.ts'

/** What a provider asserted about the person who signed in, once its answer checked out. */
export interface ProviderIdentity {
  subject: string
  email: string | undefined
  /** Only `true` when the provider says it verified the address. */
  emailVerified: boolean
  givenName: string | undefined
  familyName: string | undefined
  name: string | undefined
}

/** The one-time values of a redirect to a provider, kept server-side until it comes back. */
export interface LoginChecks {
  state: string
  nonce: string
  codeVerifier: string
}

export interface OidcProviders {
  configured(): SsoProviderConfig[]
  /** The provider's authorization URL for a new sign-in (code flow, PKCE S256). */
  authorizationUrl(name: string, checks: LoginChecks): Promise<URL>
  /**
   * Exchanges the code of the provider's redirect (`callbackUrl`, with its query) for tokens, and
   * checks state, nonce, issuer, audience, signature and PKCE.
   */
  identify(name: string, callbackUrl: URL, checks: LoginChecks): Promise<ProviderIdentity>
}

export interface OidcProviderOptions {
  /** Where a provider sends the user back: `/api/auth/sso/{name}/callback` on this server. */
  redirectUri: (name: string) => string
}

/**
 * The configured providers, through openid-client. Each provider's discovery document is fetched on
 * first use and kept; a failed fetch is retried on the next sign-in.
 */
export function createOidcProviders(
  providers: SsoProviderConfig[],
  options: OidcProviderOptions,
): OidcProviders {
  const byName = new Map(providers.map((provider) => [provider.name, provider]))
  const discovered = new Map<string, Promise<oidc.Configuration>>()

  function providerNamed(name: string): SsoProviderConfig {
    const provider = byName.get(name)
    if (!provider) throw notFound('Identity provider', 'sso_provider_unknown')
    return provider
  }

  async function configuration(provider: SsoProviderConfig): Promise<oidc.Configuration> {
    let pending = discovered.get(provider.name)
    if (!pending) {
      pending = discover(provider)
      discovered.set(provider.name, pending)
      pending.catch(() => discovered.delete(provider.name))
    }
    try {
      return await pending
    } catch (error) {
      throw unreachable(provider, error)
    }
  }

  return {
    configured: () => providers,

    async authorizationUrl(name, checks) {
      const provider = providerNamed(name)
      return oidc.buildAuthorizationUrl(await configuration(provider), {
        redirect_uri: options.redirectUri(name),
        response_type: 'code',
        scope: provider.scopes,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      })
    },

    async identify(name, callbackUrl, checks) {
      const provider = providerNamed(name)
      const config = await configuration(provider)
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        })
        const claims = tokens.claims()
        if (!claims) throw new oidc.ClientError('no ID Token in the token response')
        return identityOf(claims)
      } catch (error) {
        throw signInRefused(provider, error)
      }
    },
  }
}

function discover(provider: SsoProviderConfig): Promise<oidc.Configuration> {
  const auth =
    provider.authMethod === 'client_secret_post'
      ? oidc.ClientSecretPost(provider.clientSecret)
      : oidc.ClientSecretBasic(provider.clientSecret)
  const issuer = new URL(provider.issuer)
  // Configuration only lets plain http through for this machine (a local provider). openid-client
  // marks the option deprecated to make it stand out, not because it is going away.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const execute = issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : []
  return oidc.discovery(issuer, provider.clientId, undefined, auth, { execute })
}

function identityOf(claims: oidc.IDToken): ProviderIdentity {
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  return {
    subject: claims.sub,
    email: text(claims.email)?.toLowerCase(),
    emailVerified: claims.email_verified === true,
    givenName: text(claims.given_name),
    familyName: text(claims.family_name),
    name: text(claims.name),
  }
}

function unreachable(provider: SsoProviderConfig, cause: unknown): AppError {
  return new AppError(
    'unavailable',
    'sso_provider_unavailable',
    `${provider.label} cannot be reached right now; try again shortly.`,
    { cause },
  )
}

/**
 * Why a provider's answer was not accepted, in words safe to show: the provider's own error code and
 * description when it refused, a generic reason when its answer failed a check. Never the client
 * secret, the tokens or the raw response.
 */
function signInRefused(provider: SsoProviderConfig, error: unknown): AppError {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description.slice(0, 200)}` : ''
    return new AppError(
      'invalid',
      'sso_provider_refused',
      `${provider.label} refused the sign-in (${error.error.slice(0, 100)}${description}).`,
      { cause: error },
    )
  }
  if (error instanceof oidc.ClientError) {
    return new AppError(
      'invalid',
      'sso_response_invalid',
      `The answer from ${provider.label} did not pass its checks; start the sign-in again.`,
      { cause: error },
    )
  }
  return unreachable(provider, error)
}
