import { actorOf, type Guards } from '../../platform/http/guards.ts'
import { NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { RefreshBody, RegisterBody, TokenBody, TokenPair, UpdateMeBody, User } from './auth.schemas.ts'
import type { AuthService } from './auth.service.ts'

export interface AuthRouteOptions {
  loginRateLimitPerMinute: number
}

/** Registration, tokens and the caller's own account. */
export function authRoutes(auth: AuthService, guards: Guards, options: AuthRouteOptions) {
  const perIp = { rateLimit: { max: options.loginRateLimitPerMinute, timeWindow: 60_000 } }
  return async (app: App) => {
    app.post(
      '/api/auth/register',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Create an account',
          body: RegisterBody,
          response: { 201: User },
        },
      },
      async (request, reply) => reply.code(201).send(await auth.register(request.body)),
    )

    app.post(
      '/api/token/',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Log in: email and password → access and refresh tokens',
          description:
            'Rate-limited per IP (429 with Retry-After); repeated failures lock the account progressively.',
          body: TokenBody,
          response: { 200: TokenPair },
        },
      },
      async (request) => auth.login(request.body.email, request.body.password),
    )

    app.post(
      '/api/token/refresh/',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Rotate a refresh token',
          description: 'Reusing an already-rotated refresh token ends its whole session (401).',
          body: RefreshBody,
          response: { 200: TokenPair },
        },
      },
      async (request) => auth.refresh(request.body.refresh),
    )

    app.post(
      '/api/auth/logout',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['auth'],
          summary: 'End the session a refresh token belongs to',
          body: RefreshBody,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await auth.logout(actorOf(request), request.body.refresh)
        return reply.code(204).send(null)
      },
    )

    app.get(
      '/api/auth/me',
      {
        preHandler: [guards.authenticate],
        schema: { tags: ['auth'], summary: 'The caller’s account', response: { 200: User } },
      },
      async (request) => auth.me(actorOf(request)),
    )

    app.patch(
      '/api/auth/me',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['auth'],
          summary: 'Change the caller’s names, phone, IBAN or password',
          body: UpdateMeBody,
          response: { 200: User },
        },
      },
      async (request) => auth.updateMe(actorOf(request), request.body),
    )
  }
}
