import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import { foldDayTotalsJob } from '../../platform/ledger/day-totals-fold.ts'
import { payoutLedgerSource, type Payouts } from '../../platform/payouts/index.ts'
import {
  failureReasons,
  payoutsByMonth,
  waitingPayouts,
  type DayRange,
  type PayoutFigures,
} from '../../platform/payouts/payout-stats.ts'
import type { Platform } from '../../platform/platform.ts'
import type { EarlyPayments } from '../supplier-payments/index.ts'
import { payoutRoutes } from './payouts.routes.ts'

export type { Payout } from './payouts.schemas.ts'
export type { PayoutFigures }
export { PAYOUT_PURPOSES, PAYOUT_STATUSES } from '../../platform/payouts/index.ts'
export { PAYOUT_PROVIDERS } from '../../platform/payouts/payout-stats.ts'

/** Figures for statistics. */
export interface PayoutStats {
  /** By month created (business time zone), from `from` to `to` inclusive. */
  payoutsByMonth(range: DayRange): Promise<PayoutFigures[]>
  failureReasons(range: DayRange, limit: number): Promise<{ reason: string; count: number }[]>
  /** Payouts waiting for an approval (pending, prepared) and failed ones. */
  waiting(): Promise<{ awaitingApproval: number; failed: number }>
}

export interface PayoutsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
  api: {
    /**
     * Payouts as ledger movements (money out): SQL another module's ledger puts in a union with its
     * own movements (the columns are listed in platform/payouts/payout-movements.ts), and their
     * totals by UTC day, kept as payouts change.
     */
    ledger: typeof payoutLedgerSource
    stats: PayoutStats
  }
}

/**
 * The HTTP face of the platform's payouts (their jobs are the platform's), and the fold of their day
 * totals.
 */
export function createPayoutsModule(platform: Platform, deps: { guards: Guards }): PayoutsModule {
  const { db } = platform
  return {
    routes: payoutRoutes(platform.payouts, deps.guards, platform.config.publicUrl),
    // The payouts' day totals that ledgers read, kept small.
    jobs: [foldDayTotalsJob('payouts.fold-day-totals', db, 'payout_day_totals')],
    api: {
      ledger: payoutLedgerSource,
      stats: {
        payoutsByMonth: (range) => payoutsByMonth(db, range),
        failureReasons: (range, limit) => failureReasons(db, range, limit),
        waiting: () => waitingPayouts(db),
      },
    },
  }
}

/** The default bank account of a company in a currency (the companies module provides it). */
export interface DefaultAccounts {
  defaultBankAccount(
    companyId: number,
    currency: string,
  ): Promise<
    | {
        holder_name: string
        iban: string | null
        bank_code: string | null
        branch: string | null
        account_number: string | null
      }
    | undefined
  >
}

/**
 * Early payments of approved anticipations: an `early_payment` payout of the new value to the
 * supplier company's default account in the payment currency. Without one, the payout is recorded
 * as failed with that reason, for an operator to see; the approval still stands.
 */
export function createEarlyPayments(
  payouts: Payouts,
  accounts: DefaultAccounts,
  currency: string,
): EarlyPayments {
  return {
    async destination(companyId) {
      const account = await accounts.defaultBankAccount(companyId, currency)
      if (account?.iban) return { recipient: { holder_name: account.holder_name, iban: account.iban } }
      if (account?.bank_code && account.branch && account.account_number) {
        const { holder_name, bank_code, branch, account_number } = account
        return { recipient: { holder_name, bank_code, branch, account_number } }
      }
      return { unavailable: `The supplier's company has no default bank account in ${currency}.` }
    },
    async record(executor, { anticipationId, amount, destination, approvers }, actor) {
      await payouts.create(
        executor,
        {
          purpose: 'early_payment',
          subjectId: anticipationId,
          amount,
          currency,
          recipient: 'recipient' in destination ? destination.recipient : undefined,
          // Created by the anticipation's approval: it is approved already, by its approvers.
          approvedBy: approvers,
          ...('unavailable' in destination ? { unavailable: destination.unavailable } : {}),
        },
        actor,
      )
    },
  }
}
