import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { accessExpiring, refreshTokens, setTokens, tokens } from './session'

/**
 * Adds the access token to every request, refreshing it first when it is about to expire. A 401
 * with a token means the session ended (refresh token expired or revoked, account deactivated).
 */
const authenticate: Middleware = {
  async onRequest({ request }) {
    if (request.headers.has('authorization')) return request
    if (tokens() && accessExpiring()) await refreshTokens()
    const access = tokens()?.access
    if (access) request.headers.set('authorization', `Bearer ${access}`)
    return request
  },
  onResponse({ request, response }) {
    if (
      response.status === 401 &&
      request.headers.has('authorization') &&
      !request.url.includes('/api/token/')
    ) {
      setTokens(null)
    }
    return response
  },
}

/** The one typed client of the console: paths, parameters and bodies checked against /openapi.json. */
export const api = createClient<paths>({ baseUrl: window.location.origin })
api.use(authenticate)

/** A UUID for `Idempotency-Key`: a retried click is the same operation, not a second one. */
export function idempotencyKey(): string {
  return crypto.randomUUID()
}
