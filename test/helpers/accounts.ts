import { randomBytes } from 'node:crypto'
import { createAuthModule } from '../../src/modules/auth/index.ts'
import type { Role } from '../../src/platform/http/actor.ts'
import type { TestApp } from './app.ts'

export const TEST_PASSWORD = 'a-long-test-password'

export interface SignedInUser {
  id: number
  email: string
  password: string
  access: string
  refresh: string
  /** Headers that authenticate as this user. */
  headers: { authorization: string }
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.com`
}

/** Creates an account directly (no HTTP), with the given roles. */
export async function createUser(
  t: TestApp,
  options: { roles?: Role[]; email?: string; password?: string; iban?: string; verified?: boolean } = {},
): Promise<{ id: number; email: string; password: string }> {
  const email = options.email ?? uniqueEmail(options.roles?.[0] ?? 'user')
  const password = options.password ?? TEST_PASSWORD
  const user = await createAuthModule(t.platform).api.createAccount({
    email,
    password,
    firstName: 'Test',
    lastName: 'User',
    roles: options.roles ?? [],
    iban: options.iban,
    emailVerified: options.verified ?? true,
  })
  return { id: user.id, email, password }
}

/** Logs in over HTTP; throws unless the login succeeds. */
export async function login(
  t: TestApp,
  email: string,
  password: string,
): Promise<{ access: string; refresh: string }> {
  const response = await t.app.inject({ method: 'POST', url: '/api/token/', payload: { email, password } })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`)
  return response.json()
}

/** A new user with `roles`, logged in. */
export async function signIn(
  t: TestApp,
  roles: Role[] = [],
  options: { iban?: string; verified?: boolean } = {},
): Promise<SignedInUser> {
  const user = await createUser(t, { roles, ...options })
  const tokens = await login(t, user.email, user.password)
  return { ...user, ...tokens, headers: { authorization: `Bearer ${tokens.access}` } }
}
