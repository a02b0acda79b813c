import type { FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify'
import { actorOf, existsBeforeValidation } from '../../platform/http/guards.ts'
import type { Party } from './supplier-payments.service.ts'
import type { SuppliersService } from './suppliers.service.ts'

/**
 * The onRequest hook (after `authenticate`) that decides whether the caller may use supplier payments
 * at all (403 otherwise, before the request is read) and remembers them as a Party for the handler.
 */
export function createPartyGuard(suppliers: SuppliersService) {
  const parties = new WeakMap<FastifyRequest, Party>()
  const resolveParty: onRequestAsyncHookHandler = async (request) => {
    parties.set(request, await suppliers.partyOf(actorOf(request)))
  }
  function partyOf(request: FastifyRequest): Party {
    const party = parties.get(request)
    if (!party) throw new Error('The party guard did not run for this route.')
    return party
  }
  /**
   * A preValidation hook that answers 404 for the object named by the `id` path parameter when it does
   * not exist or is not the caller's, before the query or body is validated: the order of checks stays
   * 401 → 403 → 404 → 400, and a bad request about another supplier's object reveals no more than
   * one about a missing object.
   */
  function visibleBeforeValidation(
    assertVisible: (party: Party, id: number) => Promise<void>,
  ): preValidationAsyncHookHandler {
    return async function (request, reply) {
      await existsBeforeValidation((id) => assertVisible(partyOf(request), id)).call(this, request, reply)
    }
  }
  return { resolveParty, partyOf, visibleBeforeValidation }
}

export type PartyGuard = ReturnType<typeof createPartyGuard>
