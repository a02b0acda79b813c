import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import { jobActor } from '../audit/index.ts'
import type { Clock } from '../clock.ts'
import { defineJob, type JobContext } from '../jobs/jobs.ts'
import { formatMoney } from '../validation/money.ts'
import type { PayoutTransitions } from './payout-transitions.ts'
import {
  PayoutProviderError,
  ProviderFundingRefusedError,
  ProviderTransferCancelledError,
  type PayoutProvider,
  type ProviderPayout,
} from './provider.ts'
import * as repository from './payouts.repository.ts'
import { recipientOf, type PayoutRow, type PayoutsDb, type PayoutStatus } from './payouts.repository.ts'

/** Retries of a provider job; when its last attempt fails too, it fails the payout. */
const JOB_RETRY_LIMIT = 5
export const PayoutJobPayload = Type.Object({ payoutId: Type.Integer({ minimum: 1 }) })
/**
 * The states whose work each job owns, and the only ones it may fail: a late prepare-payout attempt
 * never fails a payout that fund-payout took over once it was approved (funding or not).
 */
const PREPARING: PayoutStatus[] = ['pending', 'prepared']
const FUNDING: PayoutStatus[] = ['approved']
const DEFAULT_JOB_EXPIRY_SECONDS = 300
const DATABASE_MARGIN_SECONDS = 60

/**
 * The singleton key every job of one payout is sent with: the sweep asks by it whether the payout
 * has a live job.
 */
export function payoutJobKey(payoutId: number): string {
  return `payout-${payoutId}`
}

export interface PayoutJobsDependencies {
  db: PayoutsDb
  clock: Clock
  transitions: PayoutTransitions
  /** Every provider this process has, by name. */
  providers: Map<PayoutProvider['name'], PayoutProvider>
}

/** The jobs that call providers: prepare, fund and cancel a payout's transfer. */
export function createPayoutJobs(deps: PayoutJobsDependencies) {
  const { db, clock, transitions, providers } = deps
  // pg-boss starts another attempt of a job whose attempt outlived its expiry, while the first may
  // still be calling the provider: each job's expiry is above the worst case of its provider calls
  // (WISE_TIMEOUT × attempts × calls, see worstCaseJobMs), plus a margin for its database work.
  const expireInSeconds = Math.max(
    DEFAULT_JOB_EXPIRY_SECONDS,
    Math.ceil(Math.max(...[...providers.values()].map((provider) => provider.worstCaseJobMs)) / 1000) +
      DATABASE_MARGIN_SECONDS,
  )

  function forProvider(row: PayoutRow): ProviderPayout {
    const recipient = recipientOf(row)
    if (!recipient) throw new PayoutProviderError('The payout has no recipient account.', { permanent: true })
    return {
      id: row.id,
      idempotencyKey: row.idempotency_key,
      amount: formatMoney(row.amount),
      currency: row.currency,
      recipient,
      recipientKind: row.purpose === 'early_payment' ? 'business' : 'person',
      reference: `Bureau ${row.purpose === 'complaint_refund' ? 'refund' : 'payment'} ${row.id}`,
      ids: {
        // An expired quote is not presented again: the provider makes a new one.
        ...(quoteExpired(row)
          ? { quoteId: null, quoteExpiresAt: null }
          : { quoteId: row.provider_quote_id, quoteExpiresAt: row.provider_quote_expires_at }),
        recipientId: row.provider_recipient_id,
        transferId: row.provider_transfer_id,
      },
    }
  }

  function quoteExpired(row: PayoutRow): boolean {
    const expiresAt = row.provider_quote_expires_at
    return expiresAt !== null && expiresAt.getTime() <= clock.now().getTime()
  }

  /** The provider the payout was created with; a permanent refusal when this process lacks it. */
  function providerOf(row: PayoutRow): PayoutProvider {
    const provider = providers.get(row.provider)
    if (provider) return provider
    throw new PayoutProviderError(
      `This payout was created with the ${row.provider} provider, which is not configured here` +
        ' (Wise needs WISE_API_TOKEN); retry the payout once it is.',
      { permanent: true },
    )
  }

  /** Creates the provider's transfer unless it exists; returns the payout with its ids. */
  async function ensurePrepared(provider: PayoutProvider, row: PayoutRow): Promise<PayoutRow> {
    if (!provider.executesTransfers || row.provider_transfer_id !== null) return row
    const ids = await provider.prepare(forProvider(row), (found) =>
      repository.recordProviderIds(db, row.id, found, clock.now()),
    )
    return {
      ...row,
      provider_quote_id: ids.quoteId,
      provider_quote_expires_at: ids.quoteExpiresAt,
      provider_recipient_id: ids.recipientId,
      provider_transfer_id: ids.transferId,
    }
  }

  /**
   * Runs one step with a provider. A permanent refusal fails the payout with the provider's reason;
   * any other error retries the job, and on its last attempt fails the payout with that error, so
   * that an operator can retry it. Either only while the payout is in `owned`, the states of the
   * calling job.
   */
  async function withProvider(
    row: PayoutRow,
    owned: PayoutStatus[],
    context: JobContext & { name: string },
    step: (provider: PayoutProvider) => Promise<void>,
  ): Promise<void> {
    try {
      await step(providerOf(row))
    } catch (error) {
      const refused = error instanceof PayoutProviderError && error.permanent
      if (!refused && !context.final) throw error
      context.logger.warn({ err: error, payoutId: row.id }, 'payout failed')
      const actor = jobActor(context.name)
      if (error instanceof ProviderTransferCancelledError) {
        const change = { from: owned, transferId: error.transferId, reason: error.message }
        await transitions.failForgettingTransfer(row.id, { ...change, idempotencyKey: randomUUID() }, actor)
        return
      }
      const reason =
        error instanceof PayoutProviderError
          ? error.message
          : `The ${context.name} job failed on its last attempt: ${error instanceof Error ? error.message : String(error)}`
      await transitions.fail(row.id, owned, reason, actor, {
        fundingRefused: error instanceof ProviderFundingRefusedError,
      })
    }
  }

  /** Cancels at the provider a transfer prepared for a payout cancelled meanwhile. */
  async function cancelAtProviderIfCancelled(id: number): Promise<void> {
    const row = await repository.findPayout(db, id)
    if (row?.status === 'cancelled' && row.provider_transfer_id !== null) {
      await providerOf(row).cancel(forProvider(row))
    }
  }

  const preparePayout = defineJob({
    name: 'prepare-payout',
    payload: PayoutJobPayload,
    retryLimit: JOB_RETRY_LIMIT,
    expireInSeconds,
    handle: async ({ payoutId }, context) => {
      const row = await repository.findPayout(db, payoutId)
      if (!row || !['pending', 'approved'].includes(row.status)) return
      const job = { ...context, name: 'prepare-payout' }
      await withProvider(row, PREPARING, job, async (provider) => {
        await ensurePrepared(provider, row)
        await transitions.move(payoutId, ['pending'], 'prepared', jobActor(job.name))
        await cancelAtProviderIfCancelled(payoutId)
      })
    },
  })

  const fundPayout = defineJob({
    name: 'fund-payout',
    payload: PayoutJobPayload,
    retryLimit: JOB_RETRY_LIMIT,
    expireInSeconds,
    handle: async ({ payoutId }, context) => {
      const row = await repository.findPayout(db, payoutId)
      // Funded already (a second run) or cancelled: nothing to do.
      if (row?.status !== 'approved') return
      const job = { ...context, name: 'fund-payout' }
      await withProvider(row, FUNDING, job, async (provider) => {
        // Waiting for a person to pay it and mark it paid (manual).
        if (!provider.executesTransfers) return
        const prepared = await ensurePrepared(provider, row)
        // From here on the payout cannot be cancelled: a delete or reject now gets a 409.
        const funding = await repository.startFunding(db, payoutId, clock.now())
        if (!funding) {
          await cancelAtProviderIfCancelled(payoutId)
          return
        }
        await provider.fund(forProvider(prepared))
        await transitions.move(payoutId, ['approved'], 'funded', jobActor(job.name))
      })
    },
  })

  const cancelPayoutJob = defineJob({
    name: 'cancel-payout',
    payload: PayoutJobPayload,
    retryLimit: JOB_RETRY_LIMIT,
    expireInSeconds,
    handle: async ({ payoutId }, context) => {
      try {
        await cancelAtProviderIfCancelled(payoutId)
      } catch (error) {
        // Anything but the provider's answer goes to the dead-letter queue for an admin to see.
        if (!(error instanceof PayoutProviderError) || (!error.permanent && !context.final)) throw error
        // The payout stays cancelled here; the provider's transfer expires unfunded on its own.
        context.logger.warn({ err: error, payoutId }, 'could not cancel the transfer at the provider')
      }
    },
  })

  return { preparePayout, fundPayout, cancelPayoutJob }
}
