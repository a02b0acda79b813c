import type { QueryRunner } from '../../platform/database/transaction.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { PayoutRecipient } from '../../platform/payouts/index.ts'

/** Where an approved anticipation is paid: the company's default account, or why there is none. */
export type EarlyPaymentDestination = { recipient: PayoutRecipient } | { unavailable: string }

/**
 * Pays approved anticipations early, in the payment currency (the payouts service provides it). The
 * destination is looked up before the decision's transaction; the payout is recorded inside it, so
 * an approval and its payout commit together.
 */
export interface EarlyPayments {
  destination(companyId: number): Promise<EarlyPaymentDestination>
  /** Records the payout, approved by `approvers` (the deciding operators; `actor` completed it). */
  record(
    executor: QueryRunner,
    payout: {
      anticipationId: number
      amount: string
      destination: EarlyPaymentDestination
      approvers: number[]
    },
    actor: Actor,
  ): Promise<void>
}
