import type { Reader } from './config-reader.ts'

/** One OpenID Connect provider users may sign in with, from OIDC_<NAME>_* variables. */
export interface SsoProviderConfig {
  /** Lower-case name in URLs (`/api/auth/sso/{name}/login`), from the variables' <NAME>. */
  name: string
  /** Shown on a login page ("Sign in with …"). */
  label: string
  issuer: string
  clientId: string
  clientSecret: string
  /** Space-separated scopes asked for; `openid` is always among them. */
  scopes: string
  /** How the client secret is sent to the token endpoint; must match the client's registration. */
  authMethod: 'client_secret_basic' | 'client_secret_post'
}

export interface SsoConfig {
  providers: SsoProviderConfig[]
  /** Where a successful sign-in is redirected with the tokens in the fragment; unset: JSON answer. */
  successUrl: string | undefined
}

const ISSUER_VARIABLE = /^OIDC_([A-Z0-9]+(?:_[A-Z0-9]+)*)_ISSUER$/
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Any number of providers: each OIDC_<NAME>_ISSUER names one, and OIDC_<NAME>_CLIENT_ID and
 * OIDC_<NAME>_CLIENT_SECRET must come with it. `google` is just a name with Google's issuer.
 */
export function readSso(read: Reader, problems: string[]): SsoConfig {
  const providers = read.namesMatching(ISSUER_VARIABLE).map((variable) => {
    const key = ISSUER_VARIABLE.exec(variable)?.[1] ?? ''
    const prefix = `OIDC_${key}_`
    const name = key.toLowerCase().replaceAll('_', '-')
    const issuer = read.url(`${prefix}ISSUER`, '')
    const clientId = read.optionalString(`${prefix}CLIENT_ID`)
    const clientSecret = read.optionalString(`${prefix}CLIENT_SECRET`)
    if (clientId === undefined) problems.push(`${prefix}ISSUER is set: ${prefix}CLIENT_ID is needed too.`)
    if (clientSecret === undefined)
      problems.push(`${prefix}ISSUER is set: ${prefix}CLIENT_SECRET is needed too.`)
    // The issuer's answers decide who signs in: plain HTTP only to this machine (a local test provider).
    if (issuer.startsWith('http:') && !LOOPBACK_HOSTS.has(new URL(issuer).hostname)) {
      problems.push(`${prefix}ISSUER must be an https URL (plain http only for localhost).`)
    }
    const scopes = new Set(['openid', ...read.string(`${prefix}SCOPES`, 'openid email profile').split(/\s+/)])
    return {
      name,
      label: read.string(`${prefix}LABEL`, name.charAt(0).toUpperCase() + name.slice(1)),
      issuer,
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      scopes: [...scopes].join(' '),
      authMethod: read.oneOf(`${prefix}AUTH_METHOD`, AUTH_METHODS, 'client_secret_basic'),
    }
  })
  return { providers, successUrl: read.optionalUrl('SSO_SUCCESS_URL', ['http:', 'https:']) }
}
