import { Type } from 'typebox'
import { actorOf, type Guards } from '../../platform/http/guards.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { TokenPair } from './auth.schemas.ts'
import type { IdentitiesService } from './identities.service.ts'
import type { SsoSignIn } from './sso-sign-in.ts'
import { CallbackQuery, Identity, LoginQuery, ProviderParams, SsoProvider } from './sso.schemas.ts'

export interface SsoRouteOptions {
  publicUrl: string
  /** Where a successful sign-in lands, tokens in the fragment; unset: the tokens as JSON. */
  successUrl: string | undefined
  rateLimitPerMinute: number
}

const Redirect = (description: string) => Type.Null({ description })

/** Single sign-on with OpenID Connect providers, and the identities linked to one's account. */
export function ssoRoutes(
  signIn: SsoSignIn,
  identities: IdentitiesService,
  guards: Guards,
  options: SsoRouteOptions,
) {
  const perIp = { rateLimit: { max: options.rateLimitPerMinute, timeWindow: 60_000 } }
  return async (app: App) => {
    app.get(
      '/api/auth/sso',
      {
        schema: {
          tags: ['auth'],
          summary: 'The identity providers one can sign in with',
          response: { 200: Type.Array(SsoProvider) },
        },
      },
      async () => identities.listProviders(),
    )

    app.get(
      '/api/auth/sso/:provider/login',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Sign in with an identity provider: redirects to it',
          description:
            'Authorization code flow with PKCE (S256), a state and a nonce kept by the server for 10 minutes and usable once.',
          params: ProviderParams,
          querystring: LoginQuery,
          response: { 302: Redirect('To the identity provider’s sign-in page.') },
        },
      },
      async (request, reply) => {
        const url = await signIn.startSignIn(request.params.provider, request.query.next)
        return reply.header('cache-control', 'no-store').redirect(url.href, 302)
      },
    )

    app.get(
      '/api/auth/sso/:provider/callback',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Where the identity provider sends the user back',
          description:
            'Links the identity to the account with the same email when the provider verified it, or creates an account without a password. With SSO_SUCCESS_URL set: 302 to it with `#access=…&refresh=…` (and `&next=…`); otherwise the token pair as JSON.',
          params: ProviderParams,
          querystring: CallbackQuery,
          response: {
            200: TokenPair,
            302: Redirect('To SSO_SUCCESS_URL, the tokens in the fragment.'),
          },
        },
      },
      async (request, reply) => {
        const { provider } = request.params
        const { tokens, next } = await signIn.finishSignIn(provider, {
          state: request.query.state,
          query: request.url.split('?').slice(1).join('?'),
          callbackUrl: `${options.publicUrl}/api/auth/sso/${provider}/callback`,
        })
        reply.header('cache-control', 'no-store')
        if (options.successUrl === undefined) return tokens
        // In the fragment: browsers never send it to a server, so no log or Referer holds the tokens.
        const fragment = new URLSearchParams({ ...tokens, ...(next === undefined ? {} : { next }) })
        return reply.redirect(`${options.successUrl.split('#')[0] ?? ''}#${fragment.toString()}`, 302)
      },
    )

    app.get(
      '/api/auth/me/identities',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['auth'],
          summary: 'The identity providers’ accounts linked to the caller’s',
          response: { 200: Type.Array(Identity) },
        },
      },
      async (request) => identities.identitiesOf(actorOf(request)),
    )

    app.delete(
      '/api/auth/me/identities/:id',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['auth'],
          summary: 'Unlink an identity provider’s account from the caller’s',
          description: '409 when it is the last way to sign in (no password and no other identity).',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await identities.unlinkIdentity(actorOf(request), request.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
