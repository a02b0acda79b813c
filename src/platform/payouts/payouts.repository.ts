import type { ColumnType, GeneratedAlways, Kysely, Selectable } from 'kysely'
import type { PageRequest } from '../http/pagination.ts'
import type { PayoutRecipient, ProviderIds } from './provider.ts'

export const PAYOUT_STATUSES = [
  'pending',
  'prepared',
  'approved',
  'funded',
  'completed',
  'cancelled',
  'failed',
] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]
export const PAYOUT_PURPOSES = ['complaint_refund', 'early_payment'] as const
export type PayoutPurpose = (typeof PAYOUT_PURPOSES)[number]

export type PayoutsTables = {
  payouts: {
    id: GeneratedAlways<number>
    purpose: PayoutPurpose
    subject_id: number
    amount: string
    currency: string
    holder_name: string | null
    iban: string | null
    bank_code: string | null
    branch: string | null
    account_number: string | null
    provider: 'manual' | 'wise'
    idempotency_key: string
    provider_quote_id: string | null
    provider_quote_expires_at: Date | null
    provider_recipient_id: string | null
    provider_transfer_id: string | null
    status: PayoutStatus
    failure_reason: string | null
    reference: string | null
    approved_at: Date | null
    /** The people whose decision approved it (they never mark it paid). */
    approved_by: number[]
    funding_started_at: Date | null
    created_at: ColumnType<Date, Date, never>
    updated_at: Date
  }
}

export type PayoutsDb = Kysely<PayoutsTables>
export type PayoutRow = Selectable<PayoutsTables['payouts']>

export const UNIQUE_SUBJECT = 'payouts_purpose_subject_id_key'

/** States a payout can still be cancelled from, as long as its funding has not started. */
const CANCELLABLE: PayoutStatus[] = ['pending', 'prepared', 'approved', 'failed']

export async function insertPayout(
  db: PayoutsDb,
  payout: {
    purpose: PayoutPurpose
    subjectId: number
    amount: string
    currency: string
    recipient: PayoutRecipient | undefined
    provider: 'manual' | 'wise'
    idempotencyKey: string
    failureReason: string | null
    /** Approved from the start (an early payment is created by its approval), by these people. */
    approvedBy: number[] | undefined
    now: Date
  },
): Promise<PayoutRow> {
  const recipient = payout.recipient
  return db
    .insertInto('payouts')
    .values({
      purpose: payout.purpose,
      subject_id: payout.subjectId,
      amount: payout.amount,
      currency: payout.currency,
      holder_name: recipient?.holder_name ?? null,
      iban: recipient && 'iban' in recipient ? recipient.iban : null,
      bank_code: recipient && 'bank_code' in recipient ? recipient.bank_code : null,
      branch: recipient && 'branch' in recipient ? recipient.branch : null,
      account_number: recipient && 'account_number' in recipient ? recipient.account_number : null,
      provider: payout.provider,
      idempotency_key: payout.idempotencyKey,
      status: payout.failureReason !== null ? 'failed' : payout.approvedBy ? 'approved' : 'pending',
      failure_reason: payout.failureReason,
      approved_at: payout.approvedBy ? payout.now : null,
      approved_by: payout.approvedBy ?? [],
      created_at: payout.now,
      updated_at: payout.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findPayout(db: PayoutsDb, id: number): Promise<PayoutRow | undefined> {
  return db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findPayoutBySubject(
  db: PayoutsDb,
  purpose: PayoutPurpose,
  subjectId: number,
): Promise<PayoutRow | undefined> {
  return db
    .selectFrom('payouts')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('subject_id', '=', subjectId)
    .executeTakeFirst()
}

export async function listPayouts(
  db: PayoutsDb,
  filter: { status?: PayoutStatus | undefined; purpose?: PayoutPurpose | undefined },
  page: PageRequest,
): Promise<{ count: number; rows: PayoutRow[] }> {
  let query = db.selectFrom('payouts')
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.purpose !== undefined) query = query.where('purpose', '=', filter.purpose)
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}

/**
 * Approves the subject's payout: from pending or prepared it becomes approved; a failed one only
 * remembers the approval (a retry then resumes at funding). Once only.
 */
export async function approvePayout(
  db: PayoutsDb,
  purpose: PayoutPurpose,
  subjectId: number,
  approvedBy: number[],
  now: Date,
): Promise<PayoutRow | undefined> {
  return db
    .updateTable('payouts')
    .set((eb) => ({
      approved_at: now,
      approved_by: approvedBy,
      updated_at: now,
      status: eb
        .case()
        .when('status', 'in', ['pending', 'prepared'])
        .then('approved' as PayoutStatus)
        .else(eb.ref('status'))
        .end(),
    }))
    .where('purpose', '=', purpose)
    .where('subject_id', '=', subjectId)
    .where('status', 'in', ['pending', 'prepared', 'failed'])
    .where('approved_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** Cancels the subject's payout unless it is final or its funding has started. */
export async function cancelPayout(
  db: PayoutsDb,
  purpose: PayoutPurpose,
  subjectId: number,
  now: Date,
): Promise<PayoutRow | undefined> {
  return db
    .updateTable('payouts')
    .set({ status: 'cancelled', updated_at: now })
    .where('purpose', '=', purpose)
    .where('subject_id', '=', subjectId)
    .where('status', 'in', CANCELLABLE)
    .where('funding_started_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** Stores provider ids as soon as the provider gives them, whatever the status meanwhile. */
export async function recordProviderIds(
  db: PayoutsDb,
  id: number,
  ids: Partial<ProviderIds>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('payouts')
    // Kysely leaves out of the update the columns whose value is undefined: those ids stay as they are.
    .set({
      provider_quote_id: ids.quoteId,
      provider_quote_expires_at: ids.quoteExpiresAt,
      provider_recipient_id: ids.recipientId,
      provider_transfer_id: ids.transferId,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute()
}

/** Columns a move may set besides the status. */
export type MoveChanges = {
  reference?: string
  failure_reason?: string | null
  /** Cleared when the provider refused the funding for sure: no money moved, so it may be cancelled. */
  funding_started_at?: null
}

/** One conditional move from one of `from` to `to`; undefined when the payout was not in `from`. */
export async function movePayout(
  db: PayoutsDb,
  id: number,
  from: PayoutStatus[],
  to: PayoutStatus,
  now: Date,
  extra: MoveChanges = {},
): Promise<PayoutRow | undefined> {
  return db
    .updateTable('payouts')
    .set({ status: to, updated_at: now, ...extra })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst()
}

/**
 * Fails a payout whose transfer `transferId` the provider cancelled, and forgets that transfer in
 * the same conditional update: the provider ids and the start of funding are cleared (no money
 * moved) and a new idempotency key is stored, so that a retry prepares a new transfer instead of
 * getting the cancelled one back. Only while the payout is in `from` and still has that transfer:
 * never a payout cancelled here meanwhile.
 */
export async function failForgettingTransfer(
  db: PayoutsDb,
  id: number,
  change: { from: PayoutStatus[]; transferId: string; reason: string; idempotencyKey: string; now: Date },
): Promise<PayoutRow | undefined> {
  return db
    .updateTable('payouts')
    .set({
      status: 'failed',
      failure_reason: change.reason.slice(0, 1000),
      provider_quote_id: null,
      provider_quote_expires_at: null,
      provider_recipient_id: null,
      provider_transfer_id: null,
      funding_started_at: null,
      idempotency_key: change.idempotencyKey,
      updated_at: change.now,
    })
    .where('id', '=', id)
    .where('status', 'in', change.from)
    .where('provider_transfer_id', '=', change.transferId)
    .returningAll()
    .executeTakeFirst()
}

/** Marks the start of funding, once; from then on the payout can no longer be cancelled. */
export async function startFunding(db: PayoutsDb, id: number, now: Date): Promise<PayoutRow | undefined> {
  return db
    .updateTable('payouts')
    .set((eb) => ({ funding_started_at: eb.fn.coalesce('funding_started_at', eb.val(now)), updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .returningAll()
    .executeTakeFirst()
}

/** Where the payout goes, from its columns; undefined when it has no account. */
export function recipientOf(row: PayoutRow): PayoutRecipient | undefined {
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

/**
 * Payouts a job should be moving (pending: preparation; approved: funding, unless their provider
 * only records payouts for a person) that have not changed since `cutoff`, oldest first.
 */
export async function findUnsettledPayouts(
  db: PayoutsDb,
  filter: { cutoff: Date; recordingOnly: PayoutRow['provider'][]; limit: number },
): Promise<number[]> {
  const rows = await db
    .selectFrom('payouts')
    .select('id')
    .where('updated_at', '<=', filter.cutoff)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        filter.recordingOnly.length === 0
          ? eb('status', '=', 'approved')
          : eb.and([eb('status', '=', 'approved'), eb('provider', 'not in', filter.recordingOnly)]),
      ]),
    )
    // The same states again, in the form the partial index payouts_unsettled_idx matches.
    .where('status', 'in', ['pending', 'approved'])
    .orderBy('updated_at')
    .limit(filter.limit)
    .execute()
  return rows.map((row) => row.id)
}

/** Locks a payout still pending or approved and unchanged since `cutoff`; undefined otherwise. */
export async function lockUnsettledPayout(
  db: PayoutsDb,
  id: number,
  cutoff: Date,
): Promise<PayoutRow | undefined> {
  return db
    .selectFrom('payouts')
    .selectAll()
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'approved'])
    .where('updated_at', '<=', cutoff)
    .forUpdate()
    .executeTakeFirst()
}

/** Marks a payout changed now (its job was enqueued again): the next sweep waits a grace period. */
export async function touchPayout(db: PayoutsDb, id: number, now: Date): Promise<void> {
  await db.updateTable('payouts').set({ updated_at: now }).where('id', '=', id).execute()
}

/** How many payouts are in each status (for metrics). */
export async function countPayoutsByStatus(
  db: PayoutsDb,
): Promise<{ status: PayoutStatus; count: number }[]> {
  return db
    .selectFrom('payouts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute()
}
