import {
  PayoutProviderError,
  ProviderFundingRefusedError,
  ProviderTransferCancelledError,
  type PayoutProvider,
  type ProviderIds,
  type ProviderPayout,
} from './provider.ts'
import { isFundedStatus, isQuoteRefusal, WiseApiError, type WiseClient } from './wise-client.ts'

/**
 * The most Wise calls one payout job makes: fund-payout may prepare first (profiles, recipient,
 * quote, transfer, and a new quote and transfer when Wise refused the stored quote), then reads the
 * transfer, funds it and reads it again after a refusal; the others make fewer (prepare-payout: the
 * six, then a read and a cancel; cancel-payout: two).
 */
const MOST_CALLS_PER_JOB = 9
/** A transfer created and not funded (nor cancelled) yet. */
const WAITING_FOR_FUNDS = 'incoming_payment_waiting'

export interface WiseSettings {
  /** The profile that pays; when absent, the business profile (or else the first) of the token. */
  profileId: number | undefined
}

/**
 * Pays through Wise from the profile's balance: quote → recipient account → transfer (prepare), fund
 * (fund), cancel. Every step resumes from what is stored: a retried job reuses the stored recipient,
 * and the stored quote until it expires (then, or when Wise refuses it, it makes a new one); the
 * transfer is created with the payout's idempotency key as customerTransactionId, so a retry after a
 * lost answer gets the same transfer back instead of a second one.
 */
export function createWiseProvider(client: WiseClient, settings: WiseSettings): PayoutProvider {
  let profile: number | undefined = settings.profileId

  async function profileId(): Promise<number> {
    if (profile !== undefined) return profile
    const profiles = await client.listProfiles()
    const chosen = profiles.find((p) => p.type.toLowerCase() === 'business') ?? profiles[0]
    if (!chosen)
      throw new PayoutProviderError('The Wise token has no profile to pay from.', { permanent: true })
    profile = chosen.id
    return chosen.id
  }

  function cancelledByWise(transferId: number): ProviderTransferCancelledError {
    return new ProviderTransferCancelledError(
      `Wise cancelled transfer ${transferId} before it was funded; a retry prepares a new transfer.`,
      String(transferId),
    )
  }

  function transferIdOf(payout: ProviderPayout): number {
    if (payout.ids.transferId === null) {
      throw new PayoutProviderError('The payout has no Wise transfer yet.', { permanent: true })
    }
    return Number(payout.ids.transferId)
  }

  /** A new quote for the payout, recorded at once with its expiry. */
  async function newQuote(
    paying: number,
    payout: ProviderPayout,
    recipientId: number,
    record: (ids: Partial<ProviderIds>) => Promise<void>,
  ): Promise<Pick<ProviderIds, 'quoteId' | 'quoteExpiresAt'>> {
    const quote = await client.createQuote(paying, {
      sourceCurrency: payout.currency,
      targetCurrency: payout.currency,
      targetAmount: payout.amount,
      targetAccount: recipientId,
    })
    const found = {
      quoteId: quote.id,
      quoteExpiresAt: quote.expirationTime === undefined ? null : new Date(quote.expirationTime),
    }
    await record(found)
    return found
  }

  function createTransfer(payout: ProviderPayout, ids: ProviderIds) {
    return client.createTransfer({
      targetAccount: Number(ids.recipientId),
      quoteUuid: ids.quoteId ?? '',
      customerTransactionId: payout.idempotencyKey,
      reference: payout.reference,
    })
  }

  return {
    name: 'wise',
    executesTransfers: true,
    worstCaseJobMs: MOST_CALLS_PER_JOB * client.worstCaseCallMs,

    async prepare(payout, record) {
      const ids: ProviderIds = { ...payout.ids }
      if (ids.transferId !== null) return ids
      const { recipient } = payout
      if (!('iban' in recipient)) {
        throw new PayoutProviderError('Wise payouts go to IBAN accounts only; this recipient has none.', {
          permanent: true,
        })
      }
      const paying = await profileId()
      if (ids.recipientId === null) {
        const account = await client.createIbanRecipient({
          profile: paying,
          accountHolderName: recipient.holder_name,
          currency: payout.currency,
          iban: recipient.iban,
          legalType: payout.recipientKind === 'business' ? 'BUSINESS' : 'PRIVATE',
        })
        ids.recipientId = String(account.id)
        await record({ recipientId: ids.recipientId })
      }
      const fresh = ids.quoteId === null
      if (fresh) Object.assign(ids, await newQuote(paying, payout, Number(ids.recipientId), record))
      let transfer
      try {
        transfer = await createTransfer(payout, ids)
      } catch (error) {
        // A stored quote Wise no longer accepts (expired, most often): once more with a new one.
        if (fresh || !isQuoteRefusal(error)) throw error
        Object.assign(ids, await newQuote(paying, payout, Number(ids.recipientId), record))
        transfer = await createTransfer(payout, ids)
      }
      ids.transferId = String(transfer.id)
      await record({ transferId: ids.transferId })
      return ids
    },

    async fund(payout) {
      const transferId = transferIdOf(payout)
      // A retry after a lost answer finds the transfer already funded and leaves it alone.
      const transfer = await client.getTransfer(transferId)
      if (isFundedStatus(transfer.status)) return
      if (transfer.status === 'cancelled') throw cancelledByWise(transferId)
      let funding
      try {
        funding = await client.fundTransfer(await profileId(), transferId)
      } catch (error) {
        if (error instanceof WiseApiError && error.permanent) {
          const now = (await client.getTransfer(transferId)).status
          // Refused because another run funded it meanwhile: funded is what was asked for.
          if (isFundedStatus(now)) return
          if (now === 'cancelled') throw cancelledByWise(transferId)
          // Still waiting for funds after a definite refusal: no money moved.
          if (now === WAITING_FOR_FUNDS) throw new ProviderFundingRefusedError(error.message, error)
        }
        throw error
      }
      if (funding.status !== 'COMPLETED') {
        // Insufficient funds included: an admin retries the payout once the balance is topped up.
        throw new ProviderFundingRefusedError(
          `Wise did not fund the transfer: ${funding.errorCode ?? funding.status}.`,
        )
      }
    },

    async cancel(payout) {
      const transferId = transferIdOf(payout)
      const transfer = await client.getTransfer(transferId)
      if (transfer.status === 'cancelled') return
      await client.cancelTransfer(transferId)
    },
  }
}
