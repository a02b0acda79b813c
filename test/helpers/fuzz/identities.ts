import { randomInt, randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { SignJWT } from 'jose'
import type { Role } from '../../../src/platform/http/actor.ts'
import { signIn, type SignedInUser } from '../accounts.ts'
import { TEST_JWT_SECRET, type TestApp } from '../app.ts'

/** Who a request comes from. */
export const IDENTITIES = ['anonymous', 'user', 'supplier', 'operator', 'approver', 'admin'] as const
export type Identity = (typeof IDENTITIES)[number]

/** How the caller's token travels: as issued, or spoiled the ways clients and attackers spoil it. */
export const CREDENTIALS = [
  'as issued',
  'garbage',
  'other scheme',
  'tampered',
  'alg none',
  'signed, odd claims',
] as const
export type Credentials = (typeof CREDENTIALS)[number]

const ROLES_OF: Record<Exclude<Identity, 'anonymous'>, Role[]> = {
  user: [],
  supplier: [],
  operator: ['operator'],
  approver: ['approver'],
  admin: ['admin'],
}

const REFUND_IBAN = 'DE89370400440532013000'
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Claims a token signed with the right key could carry that no issued token does. */
const ODD_CLAIMS = fc.constantFrom<Record<string, unknown>>(
  { sub: 'abc', sid: randomUUID(), roles: ['admin'] },
  { sub: '9007199254740991', sid: randomUUID() },
  { sub: '2147483648', sid: randomUUID() },
  { sub: '1', sid: 42, roles: 'admin' },
  { sub: '-1', sid: randomUUID(), roles: [null, {}] },
  { sub: '1', sid: 'not-a-session-id', roles: ['admin'] },
)

/**
 * Signed-in users, one per identity. A user the fuzzer logged out, deactivated or locked out of the
 * role is replaced by a new one when a request made with its token as issued is answered 401.
 */
export class Identities {
  private readonly t: TestApp
  private readonly users = new Map<Identity, SignedInUser>()

  constructor(t: TestApp) {
    this.t = t
  }

  async signInAll(): Promise<void> {
    for (const identity of IDENTITIES) if (identity !== 'anonymous') await this.renew(identity)
  }

  /** The Authorization header to send, if any. */
  async authorization(
    identity: Identity,
    credentials: Credentials,
    oddClaims: Record<string, unknown>,
  ): Promise<string | undefined> {
    const user = identity === 'anonymous' ? undefined : this.users.get(identity)
    const token = user?.access ?? 'x'
    switch (credentials) {
      case 'as issued':
        return user ? `Bearer ${token}` : undefined
      case 'garbage':
        return `Bearer ${token.slice(0, 20)}`
      case 'other scheme':
        return `Basic ${Buffer.from('admin:admin').toString('base64')}`
      case 'tampered':
        return `Bearer ${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
      case 'alg none':
        return `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: '1', roles: ['admin'] })}.`
      case 'signed, odd claims':
        return `Bearer ${await signedToken(oddClaims)}`
    }
  }

  /** Replaces the identity's user with a new one, signed in. */
  async renew(identity: Identity): Promise<void> {
    if (identity === 'anonymous') return
    const user = await signIn(this.t, ROLES_OF[identity], { iban: REFUND_IBAN })
    if (identity === 'supplier') await this.makeSupplier(user)
    this.users.set(identity, user)
  }

  /** Links the user to a new company as its supplier (an admin does it). */
  private async makeSupplier(user: SignedInUser): Promise<void> {
    const admin = await signIn(this.t, ['admin'])
    const company = await this.t.app.inject({
      method: 'POST',
      url: '/api/companies',
      headers: admin.headers,
      payload: {
        legal_name: 'Fuzz Supplier Ltda.',
        registration_number: String(randomInt(10_000_000, 99_999_999_999)),
        email: 'supplier@example.com',
      },
    })
    const supplier = await this.t.app.inject({
      method: 'POST',
      url: '/api/suppliers',
      headers: admin.headers,
      payload: { user: user.id, company: company.json<{ id: number }>().id },
    })
    if (supplier.statusCode !== 201) throw new Error(`supplier not created: ${supplier.body}`)
  }
}

export const oddClaims = ODD_CLAIMS

async function signedToken(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.parse('2026-03-02T12:00:00Z') / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('bureau')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(TEST_JWT_SECRET))
}
