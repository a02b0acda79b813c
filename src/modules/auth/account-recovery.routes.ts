import { Type } from 'typebox'
import { actorOf, type Guards } from '../../platform/http/guards.ts'
import { NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { Email, Password } from './auth.schemas.ts'
import type { AccountRecovery } from './account-recovery.service.ts'

const OneTimeToken = Type.String({ minLength: 1, maxLength: 200, description: 'The code from the email.' })

const VerifyEmailBody = Type.Object(
  { token: OneTimeToken },
  { additionalProperties: false, title: 'VerifyEmailRequest' },
)
const ResetRequestBody = Type.Object(
  { email: Type.String({ ...Email, format: undefined, minLength: 1 }) },
  { additionalProperties: false, title: 'PasswordResetRequest' },
)
const ResetConfirmBody = Type.Object(
  { token: OneTimeToken, new_password: Password },
  { additionalProperties: false, title: 'PasswordResetConfirmRequest' },
)
const Accepted = Type.Null({ description: 'Accepted; an email follows when the account exists.' })

/** Email verification and password reset. */
export function accountRecoveryRoutes(recovery: AccountRecovery, guards: Guards, rateLimitPerMinute: number) {
  const perIp = { rateLimit: { max: rateLimitPerMinute, timeWindow: 60_000 } }
  return async (app: App) => {
    app.post(
      '/api/auth/verify-email',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Confirm an email address with the code sent to it',
          body: VerifyEmailBody,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await recovery.verifyEmail(request.body.token)
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/api/auth/verify-email/resend',
      {
        preHandler: [guards.authenticate],
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Send the caller a new verification email',
          description:
            'Earlier links stop working. 409 `email_already_verified` when the address is already verified. Rate-limited per IP like the other recovery routes (429 with Retry-After). Money routes (filing a complaint, being linked as a supplier) need a verified address.',
          response: { 204: Type.Null({ description: 'Sent: a new verification email is on its way.' }) },
        },
      },
      async (request, reply) => {
        await recovery.resendVerification(actorOf(request))
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/api/auth/password-reset',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Email a one-time password reset link',
          description:
            'Always 202, whether or not the email has an account. The link is valid for PASSWORD_RESET_TTL.',
          body: ResetRequestBody,
          response: { 202: Accepted },
        },
      },
      async (request, reply) => {
        await recovery.requestPasswordReset(request.body.email)
        return reply.code(202).send(null)
      },
    )

    app.post(
      '/api/auth/password-reset/confirm',
      {
        config: perIp,
        schema: {
          tags: ['auth'],
          summary: 'Set a new password with a reset code',
          description: 'Ends every session of the account.',
          body: ResetConfirmBody,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await recovery.resetPassword(request.body.token, request.body.new_password)
        return reply.code(204).send(null)
      },
    )
  }
}
