import { Type, type Static } from 'typebox'
import { Timestamp } from '../../platform/http/schemas.ts'

export const ProviderParams = Type.Object({
  provider: Type.String({
    pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
    maxLength: 64,
    description: 'A configured provider’s name (OIDC_<NAME>_ISSUER, lower-case, `_` as `-`).',
    examples: ['google'],
  }),
})
export type ProviderParams = Static<typeof ProviderParams>

export const SsoProvider = Type.Object(
  {
    name: Type.String({ examples: ['google'] }),
    label: Type.String({ description: 'For a “Sign in with …” button.', examples: ['Google'] }),
    login_url: Type.String({
      format: 'uri',
      description: 'Send the browser here to sign in.',
      examples: ['https://bureau.example.com/api/auth/sso/google/login'],
    }),
  },
  { title: 'SsoProvider' },
)
export type SsoProvider = Static<typeof SsoProvider>

export const LoginQuery = Type.Object(
  {
    next: Type.Optional(
      Type.String({
        maxLength: 2000,
        description:
          'A path on this server to show after signing in (passed on in the success URL’s fragment); absolute URLs are refused.',
        examples: ['/bookings'],
      }),
    ),
  },
  { additionalProperties: false },
)

/** Providers add their own parameters to the redirect (iss, scope, session_state…): all are kept. */
export const CallbackQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ maxLength: 512 })),
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    error_description: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: Type.String({ maxLength: 4096 }) },
)
export type CallbackQuery = Static<typeof CallbackQuery>

export const Identity = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    provider: Type.String({ examples: ['google'] }),
    subject: Type.String({ description: 'The user’s id at the provider.', examples: ['1094817234'] }),
    email: Type.Union([Type.String(), Type.Null()], {
      description: 'The email the provider reported at the last sign-in.',
    }),
    created_at: Timestamp,
  },
  { title: 'Identity' },
)
export type Identity = Static<typeof Identity>
