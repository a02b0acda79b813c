import { randomUUID } from 'node:crypto'
import type { Audit, AuditActor } from '../audit/index.ts'
import type { Clock } from '../clock.ts'
import type { Db } from '../database/database.ts'
import { isUniqueViolation } from '../database/errors.ts'
import { transaction, type QueryRunner } from '../database/transaction.ts'
import { AppError, conflict, invalid, notFound } from '../errors.ts'
import type { Actor } from '../http/actor.ts'
import type { PageRequest } from '../http/pagination.ts'
import type { Jobs } from '../jobs/jobs.ts'
import { formatMoney } from '../validation/money.ts'
import { createPayoutJobs, payoutJobKey } from './payout-jobs.ts'
import { createPayoutSweep } from './payout-sweep.ts'
import { createPayoutTransitions } from './payout-transitions.ts'
import { manualProvider, type PayoutProvider, type PayoutRecipient } from './provider.ts'
import * as repository from './payouts.repository.ts'
import {
  PAYOUT_PURPOSES,
  PAYOUT_STATUSES,
  recipientOf,
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
  approved_by: number[]
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
  /**
   * Approved from the start by the people whose decision created it: funding is enqueued at once
   * (its job prepares the transfer first).
   */
  approvedBy?: number[]
}

/**
 * What cancelling a subject's payout did. `funding_started`: not cancelled, because its funding
 * started (it may be approved or failed meanwhile, with the money possibly at the provider).
 */
export type CancelOutcome = 'cancelled' | 'funding_started' | 'already_final' | 'none'

/**
 * Payouts for modules (complaint refunds, early payments). The `executor` methods run in the caller's
 * transaction and enqueue their jobs in it; provider calls happen only in those jobs. Every change of
 * state is audited with who caused it, in the transaction of the change.
 */
export interface Payouts {
  /**
   * Records a payout (pending, or approved when asked, or failed without a recipient) and enqueues
   * its preparation (or its funding).
   */
  create: (executor: QueryRunner, payout: NewPayout, actor: AuditActor) => Promise<PayoutRow>
  /**
   * Approves the subject's payout by the decision of `approvers` (`actor` completed it) and enqueues
   * its funding; false when it was not approvable.
   */
  approve: (
    executor: QueryRunner,
    subject: { purpose: PayoutPurpose; subjectId: number },
    approvers: number[],
    actor: AuditActor,
  ) => Promise<boolean>
  /** Cancels the subject's payout (and the provider's transfer, by a job) unless funding started. */
  cancel: (
    executor: QueryRunner,
    subject: { purpose: PayoutPurpose; subjectId: number },
    actor: AuditActor,
  ) => Promise<CancelOutcome>
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
  /**
   * Manual provider: a person paid it, with this reference. From approved or funded; never by one
   * of the people who approved it (403 own_request).
   */
  markPaid: (actor: Actor, id: number, reference: string) => Promise<Payout>
  /** A failed payout tries again from where it stopped. */
  retry: (actor: Actor, id: number) => Promise<Payout>
}

export interface PayoutsDependencies {
  db: Db
  jobs: Jobs
  clock: Clock
  audit: Audit
  /** The provider new payouts are created with. */
  provider: PayoutProvider
  /**
   * The other providers configured in this process. A payout is always handled by the provider it
   * was created with (its stored `provider`), so a change of PAYOUT_PROVIDER or WISE_API_TOKEN never
   * moves a payout to another provider; the manual provider needs no settings and is always there.
   */
  otherProviders?: PayoutProvider[]
}

export function createPayouts(deps: PayoutsDependencies) {
  const { clock, jobs } = deps
  const providers = new Map<PayoutProvider['name'], PayoutProvider>(
    [manualProvider, ...(deps.otherProviders ?? []), deps.provider].map((provider) => [
      provider.name,
      provider,
    ]),
  )
  const db: PayoutsDb = deps.db.$extendTables<PayoutsTables>()
  // A module's transaction knows only that module's tables; the payouts queries it runs are this
  // file's own (the same connection, another set of tables).
  const on = (executor: QueryRunner): PayoutsDb => executor as PayoutsDb
  const transitions = createPayoutTransitions(db, deps.audit, clock)
  const { preparePayout, fundPayout, cancelPayoutJob } = createPayoutJobs({
    db,
    clock,
    transitions,
    providers,
  })

  const sweepPayouts = createPayoutSweep({ db, jobs, clock, providers, preparePayout, fundPayout })

  /** Enqueues a job of the payout in `executor`'s transaction, under the payout's job key. */
  async function enqueue(job: typeof preparePayout, payoutId: number, executor: QueryRunner) {
    await jobs.send(job, { payoutId }, { executor, singletonKey: payoutJobKey(payoutId) })
  }

  async function getRow(id: number): Promise<PayoutRow> {
    const row = await repository.findPayout(db, id)
    if (!row) throw notFound('Payout')
    return row
  }

  async function create(executor: QueryRunner, input: NewPayout, actor: AuditActor): Promise<PayoutRow> {
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
        approvedBy: input.approvedBy,
        now: clock.now(),
      })
      await transitions.recordMove(executor, row, actor, {
        amount: formatMoney(row.amount),
        currency: row.currency,
        recipient: recipientOf(row) ?? null,
        approved_by: row.approved_by,
        failure_reason: row.failure_reason,
      })
      if (failure === null) {
        const job = input.approvedBy ? fundPayout : preparePayout
        await enqueue(job, row.id, executor)
      }
      return row
    } catch (error) {
      if (isUniqueViolation(error, repository.UNIQUE_SUBJECT)) {
        throw conflict('payout_exists', 'This already has a payout.')
      }
      throw error
    }
  }

  async function markPaid(actor: Actor, id: number, reference: string): Promise<Payout> {
    const row = await getRow(id)
    // Whoever approved the money does not also say it left: a second person confirms the payment.
    if (row.approved_by.includes(actor.userId)) {
      throw new AppError(
        'forbidden',
        'own_request',
        'You approved this payout; someone else must mark it paid.',
      )
    }
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
    const paid = await transitions.move(id, ['approved', 'funded'], 'completed', actor, { reference: text })
    if (!paid) {
      throw conflict(
        'payout_not_payable',
        `Only approved or funded payouts can be marked paid; this one is ${row.status}.`,
      )
    }
    return toPayout(paid)
  }

  async function retry(actor: Actor, id: number): Promise<Payout> {
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
      if (updated) {
        await transitions.recordMove(tx, updated, actor, { retried: true })
        await enqueue(job, id, tx)
      }
      return updated
    })
    if (!moved) throw conflict('payout_not_failed', 'This payout is no longer failed.')
    return toPayout(moved)
  }

  const payouts: Payouts = {
    create,

    async approve(executor, { purpose, subjectId }, approvers, actor) {
      const row = await repository.approvePayout(on(executor), purpose, subjectId, approvers, clock.now())
      if (!row) return false
      await transitions.recordMove(executor, row, actor, { approved_by: approvers })
      if (row.status === 'approved') await enqueue(fundPayout, row.id, executor)
      return true
    },

    async cancel(executor, { purpose, subjectId }, actor) {
      const row = await repository.cancelPayout(on(executor), purpose, subjectId, clock.now())
      if (row) {
        await transitions.recordMove(executor, row, actor)
        if (row.provider_transfer_id !== null) {
          await enqueue(cancelPayoutJob, row.id, executor)
        }
        return 'cancelled'
      }
      const current = await repository.findPayoutBySubject(on(executor), purpose, subjectId)
      if (!current) return 'none'
      if (current.status === 'cancelled') return 'already_final'
      return 'funding_started'
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

    markPaid,
    retry,
  }

  return { payouts, jobs: [preparePayout, fundPayout, cancelPayoutJob, sweepPayouts] }
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
    approved_by: row.approved_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }
}
