import { Type, type Static } from 'typebox'
import { ROLES } from '../../platform/http/actor.ts'
import { NOT_BLANK, PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

export const Email = Type.String({ format: 'email', maxLength: 254, examples: ['ana@example.com'] })
export const Password = Type.String({
  minLength: 8,
  maxLength: 128,
  description: '8–128 characters, not all digits, not the email address.',
  examples: ['correct horse battery staple'],
})
const Name = Type.String({ minLength: 1, maxLength: 150, ...NOT_BLANK, examples: ['Ana'] })
const Phone = Type.String({
  pattern: '^\\+?[0-9]{8,15}$',
  'x-error': 'Enter a phone number of 8 to 15 digits, optionally starting with +.',
  examples: ['+5511912345678'],
})
const Iban = Type.String({
  minLength: 5,
  maxLength: 42,
  description: 'ISO 13616 IBAN (spaces allowed; stored without them, upper-case). Refunds are paid to it.',
  examples: ['DE89 3704 0044 0532 0130 00'],
})
export const RoleName = Type.Enum(ROLES, { description: 'A role; roles do not imply each other.' })

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    first_name: Name,
    last_name: Type.String({ ...Name, examples: ['Souza'] }),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    iban: Type.Optional(Type.Union([Iban, Type.Null()])),
  },
  { additionalProperties: false, title: 'RegisterRequest' },
)
export type RegisterBody = Static<typeof RegisterBody>

export const TokenBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false, title: 'TokenRequest' },
)

export const RefreshBody = Type.Object(
  { refresh: Type.String({ minLength: 1, maxLength: 200, description: 'A refresh token.' }) },
  { additionalProperties: false, title: 'RefreshRequest' },
)

export const TokenPair = Type.Object(
  {
    access: Type.String({ description: 'JWT access token (HS256), sent as `Authorization: Bearer …`.' }),
    refresh: Type.String({ description: 'Opaque refresh token; single use, rotated on every refresh.' }),
  },
  { title: 'TokenPair' },
)
export type TokenPair = Static<typeof TokenPair>

const userFields = {
  id: Type.Integer({ examples: [1] }),
  email: Email,
  first_name: Type.String(),
  last_name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  iban: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(RoleName),
  supplier: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The supplier this user acts for in supplier payments, if any.',
  }),
  email_verified: Type.Boolean(),
  created_at: Timestamp,
}

export const User = Type.Object(userFields, { title: 'User' })
export type User = Static<typeof User>

export const AdminUser = Type.Object(
  { ...userFields, is_active: Type.Boolean({ description: 'False once deactivated.' }) },
  { title: 'AdminUser' },
)
export type AdminUser = Static<typeof AdminUser>

export const UpdateMeBody = Type.Object(
  {
    first_name: Type.Optional(Name),
    last_name: Type.Optional(Name),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    iban: Type.Optional(Type.Union([Iban, Type.Null()])),
    current_password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    new_password: Type.Optional(Password),
  },
  {
    additionalProperties: false,
    title: 'UpdateMeRequest',
    description: 'Changing the password needs `current_password` and ends every other session.',
  },
)
export type UpdateMeBody = Static<typeof UpdateMeBody>

export const UsersQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 254, description: 'Exact email, case-insensitive.' })),
  role: Type.Optional(RoleName),
  ...PageQuery,
})
export type UsersQuery = Static<typeof UsersQuery>

export const UsersPage = PageOf(AdminUser, 'UsersPage')

export const RolesBody = Type.Object(
  { roles: Type.Array(RoleName, { uniqueItems: true, maxItems: ROLES.length }) },
  { additionalProperties: false, title: 'RolesRequest' },
)
