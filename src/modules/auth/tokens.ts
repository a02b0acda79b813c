import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { LRUCache } from 'lru-cache'
import type { Clock } from '../../platform/clock.ts'
import { unauthenticated } from '../../platform/errors.ts'
import { ROLES, type Role } from '../../platform/http/actor.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const ISSUER = 'bureau'
const ALGORITHM = 'HS256'

export interface AccessClaims {
  userId: number
  roles: Role[]
  sessionId: string
}

export interface AccessTokens {
  issue(claims: AccessClaims): Promise<string>
  /** Checks signature (HS256 only), issuer and expiry; throws an `unauthenticated` AppError otherwise. */
  verify(token: string): Promise<AccessClaims>
}

export function accessTokens(secret: string, ttlSeconds: number, clock: Clock): AccessTokens {
  const key = new TextEncoder().encode(secret)
  const invalid = () => unauthenticated('token_not_valid', 'The access token is invalid or expired.')
  // A token whose signature checked out once checks out again until it expires: remembering it spares
  // the HMAC on every request of a session. Expiry is still checked on every use; whether the session
  // is still alive is the caller's check, on every request.
  const verified = new LRUCache<string, { claims: AccessClaims; expiresAtMs: number }>({ max: 10_000 })
  return {
    async issue({ userId, roles, sessionId }) {
      const now = Math.floor(clock.now().getTime() / 1000)
      return new SignJWT({ roles, sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setSubject(String(userId))
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(key)
    },
    async verify(token) {
      const known = verified.get(token)
      if (known) {
        if (clock.now().getTime() < known.expiresAtMs) return known.claims
        verified.delete(token)
        throw invalid()
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          currentDate: clock.now(),
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        })
        const userId = Number(payload.sub)
        const roles = Array.isArray(payload.roles) ? payload.roles : []
        // Sessions are UUIDs: a token naming anything else names no session (and must not reach SQL).
        if (!Number.isSafeInteger(userId) || typeof payload.sid !== 'string' || !UUID.test(payload.sid)) {
          throw invalid()
        }
        const claims = {
          userId,
          sessionId: payload.sid,
          roles: roles.filter((role): role is Role => ROLES.includes(role as Role)),
        }
        // `exp` is a required claim, so jwtVerify has checked it is a number.
        verified.set(token, { claims, expiresAtMs: (payload.exp ?? 0) * 1000 })
        return claims
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) throw invalid()
        throw error
      }
    },
  }
}

/** A new opaque refresh token; only its hash is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashToken(token) }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
