import { randomUUID } from 'node:crypto'
import { Type } from 'typebox'
import type { Clock } from '../clock.ts'
import type { Db } from '../database/database.ts'
import { isUniqueViolation } from '../database/errors.ts'
import { transaction, type QueryRunner } from '../database/transaction.ts'
import { conflict, invalid, notFound } from '../errors.ts'
import type { PageRequest } from '../http/pagination.ts'
import { defineJob, type JobContext, type Jobs } from '../jobs/jobs.ts'
import { formatMoney } from '../validation/money.ts'
import {
  manualProvider,
  PayoutProviderError,
  ProviderTransferCancelledError,
  type PayoutProvider,
  type PayoutRecipient,
  type ProviderPayout,
} from './provider.ts'
import * as repository from './payouts.repository.ts'
import {
  PAYOUT_PURPOSES,
  PAYOUT_STATUSES,
  type PayoutPurpose,
  type PayoutRow,
  type PayoutsDb,
  type PayoutStatus,
  type PayoutsTables,
} from './payouts.repository.ts'

export type { PayoutPurpose, PayoutRow, PayoutStatus }
export { PAYOUT_PURPOSES, PAYOUT_STATUSES }

/** A payout as the API shows it. */
export interface Payout {
  id: number
  purpose: PayoutPurpose
  subject_id: number
  amount: string
  currency: string
  recipient: PayoutRecipient | null
  provider: 'manual' | 'wise'
  status: PayoutStatus
  reference: string | null
  failure_reason: string | null
  created_at: string
  updated_at: string
}

export interface NewPayout {
  purpose: PayoutPurpose
  subjectId: number
  /** Decimal string ("120.00"). */
  amount: string
  currency: string
  /** Where the money goes; when there is none, the payout is recorded as failed with `unavailable`. */
  recipient: PayoutRecipient | undefined
  unavailable?: string
  /** Approved from the start: funding is enqueued at once (its job prepares the transfer first). */
  approved?: boolean
}

/** What cancelling a subject's payout did. */
export type CancelOutcome = 'cancelled' | 'funded' | 'already_final' | 'none'

/**
 * Payouts for modules (complaint refunds, early payments). The `executor` methods run in the caller's
 * transaction and enqueue their jobs in it; provider calls happen only in those jobs.
 */
export interface Payouts {
  /**
   * Records a payout (pending, or approved when asked, or failed without a recipient) and enqueues
   * its preparation (or its funding).
   */
  create: (executor: QueryRunner, payout: NewPayout) => Promise<PayoutRow>
  /** Approves the subject's payout and enqueues its funding; false when it was not approvable. */
  approve: (executor: QueryRunner, purpose: PayoutPurpose, subjectId: number) => Promise<boolean>
  /** Cancels the subject's payout (and the provider's transfer, by a job) unless funding started. */
  cancel: (executor: QueryRunner, purpose: PayoutPurpose, subjectId: number) => Promise<CancelOutcome>
  findBySubject: (
    executor: QueryRunner,
    purpose: PayoutPurpose,
    subjectId: number,
  ) => Promise<PayoutRow | undefined>

  list: (
    filter: { status?: string | undefined; purpose?: string | undefined },
    page: PageRequest,
  ) => Promise<{ count: number; results: Payout[] }>
  get: (id: number) => Promise<Payout>
  assertExists: (id: number) => Promise<void>
  /** Manual provider: a person paid it, with this reference. From approved or funded. */
  markPaid: (id: number, reference: string) => Promise<Payout>
  /** A failed payout tries again from where it stopped. */
  retry: (id: number) => Promise<Payout>
}

export interface PayoutsDependencies {
  db: Db
  jobs: Jobs
  clock: Clock
  /** The provider new payouts are created with. */
  provider: PayoutProvider
  /**
   * The other providers configured in this process. A payout is always handled by the provider it
   * was created with (its stored `provider`), so a change of PAYOUT_PROVIDER or WISE_API_TOKEN never
   * moves a payout to another provider; the manual provider needs no settings and is always there.
   */
  otherProviders?: PayoutProvider[]
}

/** Attempts of a provider job; on the last one a provider that still fails fails the payout. */
const JOB_RETRY_LIMIT = 5
const PayoutJobPayload = Type.Object({ payoutId: Type.Integer({ minimum: 1 }) })
/**
 * The states whose work each job owns, and the only ones it may fail: a late prepare-payout attempt
 * never fails a payout that fund-payout took over once it was approved (funding or not).
 */
const PREPARING: PayoutStatus[] = ['pending', 'prepared']
const FUNDING: PayoutStatus[] = ['approved']
const DEFAULT_JOB_EXPIRY_SECONDS = 300
const DATABASE_MARGIN_SECONDS = 60

export function createPayouts(deps: PayoutsDependencies) {
  const { clock, jobs } = deps
  const providers = new Map<PayoutProvider['name'], PayoutProvider>(
    [manualProvider, ...(deps.otherProviders ?? []), deps.provider].map((provider) => [
      provider.name,
      provider,
    ]),
  )
  // pg-boss starts another attempt of a job whose attempt outlived its expiry, while the first may
  // still be calling the provider: each job's expiry is above the worst case of its provider calls
  // (WISE_TIMEOUT × attempts × calls, see worstCaseJobMs), plus a margin for its database work.
  const expireInSeconds = Math.max(
    DEFAULT_JOB_EXPIRY_SECONDS,
    Math.ceil(Math.max(...[...providers.values()].map((provider) => provider.worstCaseJobMs)) / 1000) +
      DATABASE_MARGIN_SECONDS,
  )
  const db: PayoutsDb = deps.db.$extendTables<PayoutsTables>()
  // A module's transaction knows only that module's tables; the payouts queries it runs are this
  // file's own (the same connection, another set of tables).
  const on = (executor: QueryRunner): PayoutsDb => executor as PayoutsDb

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
        quoteId: row.provider_quote_id,
        recipientId: row.provider_recipient_id,
        transferId: row.provider_transfer_id,
      },
    }
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
      provider_recipient_id: ids.recipientId,
      provider_transfer_id: ids.transferId,
    }
  }

  /**
   * Runs one step with a provider. A permanent refusal fails the payout with the provider's reason;
   * a transient one retries the job, and fails the payout once the retries are used up. Either only
   * while the payout is in `owned`, the states of the calling job.
   */
  async function withProvider(
    row: PayoutRow,
    owned: PayoutStatus[],
    context: JobContext,
    step: (provider: PayoutProvider) => Promise<void>,
  ): Promise<void> {
    try {
      await step(providerOf(row))
    } catch (error) {
      if (!(error instanceof PayoutProviderError)) throw error
      const last = context.attempt > JOB_RETRY_LIMIT
      if (!error.permanent && !last) throw error
      context.logger.warn({ err: error, payoutId: row.id }, 'payout failed at the provider')
      if (error instanceof ProviderTransferCancelledError) {
        await repository.failForgettingTransfer(db, row.id, {
          from: owned,
          transferId: error.transferId,
          reason: error.message,
          idempotencyKey: randomUUID(),
          now: clock.now(),
        })
        return
      }
      await repository.failPayout(db, row.id, owned, error.message, clock.now())
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
      await withProvider(row, PREPARING, context, async (provider) => {
        await ensurePrepared(provider, row)
        await repository.movePayout(db, payoutId, ['pending'], 'prepared', clock.now())
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
      await withProvider(row, FUNDING, context, async (provider) => {
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
        await repository.movePayout(db, payoutId, ['approved'], 'funded', clock.now())
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
        if (
          !(error instanceof PayoutProviderError) ||
          (!error.permanent && context.attempt <= JOB_RETRY_LIMIT)
        )
          throw error
        // The payout stays cancelled here; the provider's transfer expires unfunded on its own.
        context.logger.warn({ err: error, payoutId }, 'could not cancel the transfer at the provider')
      }
    },
  })

  async function getRow(id: number): Promise<PayoutRow> {
    const row = await repository.findPayout(db, id)
    if (!row) throw notFound('Payout')
    return row
  }

  const payouts: Payouts = {
    async create(executor, input) {
      const failure = input.recipient ? null : (input.unavailable ?? 'No recipient account.')
      try {
        const row = await repository.insertPayout(on(executor), {
          purpose: input.purpose,
          subjectId: input.subjectId,
          amount: input.amount,
          currency: input.currency,
          recipient: input.recipient,
          provider: deps.provider.name,
          // Stored with the row, before any provider call, and sent as the provider's idempotency key.
          idempotencyKey: randomUUID(),
          failureReason: failure,
          approved: input.approved ?? false,
          now: clock.now(),
        })
        if (failure === null) {
          const job = input.approved ? fundPayout : preparePayout
          await jobs.send(job, { payoutId: row.id }, { executor })
        }
        return row
      } catch (error) {
        if (isUniqueViolation(error, repository.UNIQUE_SUBJECT)) {
          throw conflict('payout_exists', 'This already has a payout.')
        }
        throw error
      }
    },

    async approve(executor, purpose, subjectId) {
      const row = await repository.approvePayout(on(executor), purpose, subjectId, clock.now())
      if (row?.status === 'approved') await jobs.send(fundPayout, { payoutId: row.id }, { executor })
      return row !== undefined
    },

    async cancel(executor, purpose, subjectId) {
      const row = await repository.cancelPayout(on(executor), purpose, subjectId, clock.now())
      if (row) {
        if (row.provider_transfer_id !== null) {
          await jobs.send(cancelPayoutJob, { payoutId: row.id }, { executor })
        }
        return 'cancelled'
      }
      const current = await repository.findPayoutBySubject(on(executor), purpose, subjectId)
      if (!current) return 'none'
      if (current.status === 'cancelled') return 'already_final'
      return 'funded'
    },

    findBySubject: (executor, purpose, subjectId) =>
      repository.findPayoutBySubject(on(executor), purpose, subjectId),

    async list(filter, page) {
      const status = choice('status', filter.status, PAYOUT_STATUSES)
      const purpose = choice('purpose', filter.purpose, PAYOUT_PURPOSES)
      const { count, rows } = await repository.listPayouts(db, { status, purpose }, page)
      return { count, results: rows.map(toPayout) }
    },

    get: async (id) => toPayout(await getRow(id)),

    async assertExists(id) {
      await getRow(id)
    },

    async markPaid(id, reference) {
      const row = await getRow(id)
      if (providers.get(row.provider)?.executesTransfers !== false) {
        throw conflict('payout_not_manual', 'Only payouts of the manual provider are marked paid by hand.')
      }
      // Money sent through a provider's transfer is not also paid by hand.
      if (row.provider_transfer_id !== null) {
        throw conflict(
          'payout_at_provider',
          'This payout has a transfer at a provider; it is not paid by hand.',
        )
      }
      const text = reference.trim()
      if (text === '') throw invalid('reference', 'This field may not be blank.')
      const paid = await repository.movePayout(db, id, ['approved', 'funded'], 'completed', clock.now(), {
        reference: text,
      })
      if (!paid) {
        throw conflict(
          'payout_not_payable',
          `Only approved or funded payouts can be marked paid; this one is ${row.status}.`,
        )
      }
      return toPayout(paid)
    },

    async retry(id) {
      const row = await getRow(id)
      if (row.status !== 'failed') {
        throw conflict('payout_not_failed', `Only failed payouts can be retried; this one is ${row.status}.`)
      }
      if (!recipientOf(row)) {
        throw conflict('payout_without_recipient', 'This payout has no recipient account to pay.')
      }
      const to: PayoutStatus = row.approved_at === null ? 'pending' : 'approved'
      const job = to === 'pending' ? preparePayout : fundPayout
      const moved = await transaction(db, async (tx) => {
        const updated = await repository.movePayout(tx, id, ['failed'], to, clock.now(), {
          failure_reason: null,
        })
        if (updated) await jobs.send(job, { payoutId: id }, { executor: tx })
        return updated
      })
      if (!moved) throw conflict('payout_not_failed', 'This payout is no longer failed.')
      return toPayout(moved)
    },
  }

  return { payouts, jobs: [preparePayout, fundPayout, cancelPayoutJob] }
}

function choice<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw invalid(field, `Select a valid choice: ${allowed.join(', ')}.`)
}

function recipientOf(row: PayoutRow): PayoutRecipient | undefined {
  if (row.holder_name === null) return undefined
  if (row.iban !== null) return { holder_name: row.holder_name, iban: row.iban }
  if (row.bank_code !== null && row.branch !== null && row.account_number !== null) {
    return {
      holder_name: row.holder_name,
      bank_code: row.bank_code,
      branch: row.branch,
      account_number: row.account_number,
    }
  }
  return undefined
}

export function toPayout(row: PayoutRow): Payout {
  return {
    id: row.id,
    purpose: row.purpose,
    subject_id: row.subject_id,
    amount: formatMoney(row.amount),
    currency: row.currency,
    recipient: recipientOf(row) ?? null,
    provider: row.provider,
    status: row.status,
    reference: row.reference,
    failure_reason: row.failure_reason,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}
