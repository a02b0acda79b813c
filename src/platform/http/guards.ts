import type { FastifyRequest, preHandlerAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify'
import { forbidden, unauthenticated } from '../errors.ts'
import { hasRole, type Actor, type Role } from './actor.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` guard; read it through `actorOf(request)`. */
    actor: Actor | null
  }
}

/** Resolves a bearer token to the actor it belongs to, or throws an `unauthenticated` AppError. */
export type ActorResolver = (accessToken: string) => Promise<Actor>

export interface Guards {
  /** preHandler: the request must carry a valid access token of an active user. */
  authenticate: preHandlerAsyncHookHandler
  /** preHandler (after `authenticate`): the actor must hold at least one of `roles`. */
  requireRole(...roles: Role[]): preHandlerAsyncHookHandler
}

export function createGuards(resolveActor: ActorResolver): Guards {
  const authenticate: preHandlerAsyncHookHandler = async (request) => {
    const header = request.headers.authorization
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match?.[1]) {
      throw unauthenticated('not_authenticated', 'Authentication credentials were not provided.')
    }
    request.actor = { ...(await resolveActor(match[1])), requestId: request.id }
  }
  Object.defineProperty(authenticate, BEARER, { value: true })
  return {
    authenticate: markAsGuard(authenticate),
    requireRole(...roles) {
      return markAsGuard(async (request) => {
        if (!hasRole(actorOf(request), ...roles)) throw forbidden()
      })
    },
  }
}

/** The authenticated actor of a request that passed `authenticate`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor)
    throw unauthenticated('not_authenticated', 'Authentication credentials were not provided.')
  return request.actor
}

const BEARER = Symbol('requires a bearer token')
const GUARD = Symbol('decides who may call a route')

function markAsGuard(handler: preHandlerAsyncHookHandler): preHandlerAsyncHookHandler {
  return Object.defineProperty(handler, GUARD, { value: true })
}

/** True for a preHandler made by `createGuards()`; the server runs these before reading the request. */
export function isGuard(handler: unknown): handler is preHandlerAsyncHookHandler {
  return typeof handler === 'function' && GUARD in handler
}

/** True for a preHandler made by `createGuards().authenticate`; the OpenAPI document marks its routes. */
export function requiresBearer(handler: unknown): boolean {
  return typeof handler === 'function' && BEARER in handler
}

/**
 * A preValidation hook that answers 404 for a missing object before the body is validated, so the
 * order of checks stays 401 → 403 → 404 → 400. `assertExists` gets the integer path parameters
 * named in `params`, in that order, and throws a not_found AppError. Parameters that are not positive
 * integers are left to validation (400).
 */
export function existsBeforeValidation(
  assertExists: (...ids: number[]) => Promise<void>,
  params: string[] = ['id'],
): preValidationAsyncHookHandler {
  return async (request) => {
    const given = request.params as Record<string, unknown> | undefined
    const ids = params.map((param) => {
      const raw = given?.[param]
      return typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2147483647
        ? Number(raw)
        : NaN
    })
    if (ids.every((id) => !Number.isNaN(id))) await assertExists(...ids)
  }
}
