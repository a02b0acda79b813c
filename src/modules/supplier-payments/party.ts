import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { actorOf } from '../../platform/http/guards.ts'
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
  return { resolveParty, partyOf }
}

export type PartyGuard = ReturnType<typeof createPartyGuard>
