import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

/** A person at the test provider; `sub` is also what they type on its login page. */
export interface ProviderAccount {
  sub: string
  email?: string
  email_verified?: boolean
  given_name?: string
  family_name?: string
}

export interface TestIdentityProvider {
  issuer: string
  clientId: string
  clientSecret: string
  /** The variables that configure this provider in Bureau as `name`. */
  env(name: string): Record<string, string>
  addAccount(account: ProviderAccount): void
  /**
   * Plays the user's browser from the authorization URL Bureau redirected to: signs in as `sub` on
   * the provider's login page, consents, and returns the redirect back to Bureau (code, state, iss).
   */
  signIn(authorizationUrl: string, sub: string): Promise<URL>
  close(): Promise<void>
}

/**
 * A real OpenID provider (the `oidc-provider` package) on 127.0.0.1, with one confidential client
 * whose redirect URIs are given, and accounts added by the test. Its development login page is
 * driven by fetch, so the whole authorization code flow runs without a browser.
 */
export async function startIdentityProvider(redirectUris: string[]): Promise<TestIdentityProvider> {
  const accounts = new Map<string, ProviderAccount>()
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.statusCode = 503
    response.end()
  }
  const server = createServer((request, response) => {
    handle(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = `bureau-${randomBytes(4).toString('hex')}`
  const clientSecret = randomBytes(24).toString('base64url')
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
    // Email claims in the ID Token itself, where Bureau reads them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    findAccount: (_context, sub) => {
      const account = accounts.get(sub)
      return account && { accountId: sub, claims: () => ({ ...account }) }
    },
  })
  const callback = provider.callback()
  handle = (request, response) => {
    void callback(request, response)
  }
  return {
    issuer,
    clientId,
    clientSecret,
    env: (name) => {
      const prefix = `OIDC_${name.toUpperCase()}_`
      return {
        [`${prefix}ISSUER`]: issuer,
        [`${prefix}CLIENT_ID`]: clientId,
        [`${prefix}CLIENT_SECRET`]: clientSecret,
      }
    },
    addAccount: (account) => accounts.set(account.sub, account),
    signIn: (authorizationUrl, sub) => browse(new URL(authorizationUrl), sub, redirectUris),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** Follows the provider's redirects with a cookie jar, answering its login and consent prompts. */
async function browse(start: URL, sub: string, redirectUris: string[]): Promise<URL> {
  const jar = new Map<string, string>()
  let request: { url: URL; form?: Record<string, string> } = { url: start }
  for (let step = 0; step < 20; step++) {
    const response = await fetch(request.url, {
      method: request.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(request.form ? { body: new URLSearchParams(request.form).toString() } : {}),
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const at = pair.indexOf('=')
      jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
    const page = await response.text()
    const location = response.headers.get('location')
    if (location) {
      const next = new URL(location, request.url)
      if (redirectUris.some((uri) => next.href.startsWith(`${uri}?`))) return next
      request = { url: next }
      continue
    }
    // The development interaction page: a form whose hidden `prompt` says what it asks for.
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1]
    if (response.status !== 200 || prompt === undefined) {
      throw new Error(
        `the provider answered ${response.status} at ${request.url.pathname}: ${page.slice(0, 300)}`,
      )
    }
    request = {
      url: request.url,
      form: prompt === 'login' ? { prompt, login: sub, password: 'any' } : { prompt },
    }
  }
  throw new Error('the provider kept redirecting')
}
