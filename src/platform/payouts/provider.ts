/** Where a payout goes: an IBAN, or a domestic account (bank code, branch, account number). */
export type PayoutRecipient =
  | { holder_name: string; iban: string }
  | { holder_name: string; bank_code: string; branch: string; account_number: string }

/** The ids a provider gave the steps of one payout so far (null: not done yet). */
export interface ProviderIds {
  quoteId: string | null
  /** When the quote stops being valid (Wise: 30 minutes after it was made); null when unknown. */
  quoteExpiresAt: Date | null
  recipientId: string | null
  transferId: string | null
}

/** What a provider needs to know about a payout. */
export interface ProviderPayout {
  id: number
  /** Sent as the provider's own idempotency key (Wise: customerTransactionId); stored before any call. */
  idempotencyKey: string
  /** Decimal string with two places ("120.00"). */
  amount: string
  currency: string
  recipient: PayoutRecipient
  /** Who is paid: a person (a complainer's refund) or a business (a supplier company's early payment). */
  recipientKind: 'person' | 'business'
  /** Shown to the recipient (bank statement). */
  reference: string
  ids: ProviderIds
}

/**
 * A payout provider. Calls happen only in jobs (never in a request or a transaction), and each call
 * must be safe to repeat: a job can die after the provider answered and before the answer was stored.
 */
export interface PayoutProvider {
  readonly name: 'manual' | 'wise'
  /** False for a provider that only records payouts for a person to execute (manual). */
  readonly executesTransfers: boolean
  /**
   * The longest the provider calls of one payout job can take (every call timing out on every
   * attempt); the payout jobs expire only after it, so two runs of one job never overlap.
   */
  readonly worstCaseJobMs: number
  /**
   * Creates the transfer, not funded, resuming after the steps whose ids `payout.ids` already has;
   * `record` stores each new id as soon as the provider gives it.
   */
  prepare(payout: ProviderPayout, record: (ids: Partial<ProviderIds>) => Promise<void>): Promise<ProviderIds>
  /** Funds the prepared transfer; funding one that is already funded does nothing. */
  fund(payout: ProviderPayout): Promise<void>
  /** Cancels the prepared transfer; cancelling one that is already cancelled does nothing. */
  cancel(payout: ProviderPayout): Promise<void>
}

/**
 * A provider's refusal or failure, with a message fit for the payout's failure reason (never a
 * credential). `permanent`: retrying the same call will not help (a refused account, a bad token);
 * otherwise (5xx, network, timeout) the job retries.
 */
export class PayoutProviderError extends Error {
  readonly permanent: boolean

  constructor(message: string, options: { permanent: boolean; cause?: unknown }) {
    super(message, { cause: options.cause })
    this.name = 'PayoutProviderError'
    this.permanent = options.permanent
  }
}

/**
 * The provider confirmed, by reading the transfer, that it cancelled it before it was funded (Wise
 * cancels transfers left unfunded for too long): funding it can never succeed, and the payout's
 * idempotency key would give the same cancelled transfer back. A new transfer is needed.
 */
export class ProviderTransferCancelledError extends PayoutProviderError {
  readonly transferId: string

  constructor(message: string, transferId: string) {
    super(message, { permanent: true })
    this.name = 'ProviderTransferCancelledError'
    this.transferId = transferId
  }
}

/**
 * The provider refused to fund the transfer and confirmed, by reading it, that it is still waiting
 * for funds: no money moved, so the payout is failed as if its funding had never started (it can
 * then be cancelled, or retried once the cause is fixed, e.g. the balance topped up).
 */
export class ProviderFundingRefusedError extends PayoutProviderError {
  constructor(message: string, cause?: unknown) {
    super(message, { permanent: true, cause })
    this.name = 'ProviderFundingRefusedError'
  }
}

/** Records payouts for a person to execute and mark paid; calls nothing. */
export const manualProvider: PayoutProvider = {
  name: 'manual',
  executesTransfers: false,
  worstCaseJobMs: 0,
  prepare: async (payout) => payout.ids,
  fund: async () => undefined,
  cancel: async () => undefined,
}
