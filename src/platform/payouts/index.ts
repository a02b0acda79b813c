import type { Config } from '../../config.ts'
import type { Audit } from '../audit/index.ts'
import type { Clock } from '../clock.ts'
import type { Db } from '../database/database.ts'
import type { Jobs } from '../jobs/jobs.ts'
import { createPayouts } from './payouts.ts'
import { countPayoutsByStatus, type PayoutsTables } from './payouts.repository.ts'
import { manualProvider, type PayoutProvider } from './provider.ts'
import { createWiseClient } from './wise-client.ts'
import { createWiseProvider } from './wise-provider.ts'

export type {
  CancelOutcome,
  NewPayout,
  Payout,
  PayoutPurpose,
  PayoutRow,
  PayoutStatus,
  Payouts,
} from './payouts.ts'
export { PAYOUT_PURPOSES, PAYOUT_STATUSES } from './payouts.ts'
export { payoutDayTotals, payoutLedgerSource, payoutMovements, PAYOUTS_SOURCE } from './payout-movements.ts'
export type { PayoutRecipient } from './provider.ts'

/** Wise, when WISE_API_TOKEN is set. */
function wiseProvider(config: Config): PayoutProvider | undefined {
  const { wise } = config.payouts
  if (wise.apiToken === undefined) return undefined
  const client = createWiseClient({
    apiToken: wise.apiToken,
    baseUrl: wise.baseUrl,
    timeoutMs: wise.timeoutMs,
  })
  return createWiseProvider(client, { profileId: wise.profileId })
}

/**
 * The provider PAYOUT_PROVIDER names for new payouts (manual by default, or Wise with WISE_*), and
 * the others configured, which go on paying the payouts created with them.
 */
export function payoutProviders(config: Config): {
  provider: PayoutProvider
  otherProviders: PayoutProvider[]
} {
  const wise = wiseProvider(config)
  if (config.payouts.provider === 'wise' && wise) return { provider: wise, otherProviders: [] }
  return { provider: manualProvider, otherProviders: wise ? [wise] : [] }
}

/** The provider new payouts are created with. */
export function payoutProvider(config: Config): PayoutProvider {
  return payoutProviders(config).provider
}

export function createPayoutsFromConfig(
  config: Config,
  deps: { db: Db; jobs: Jobs; clock: Clock; audit: Audit },
) {
  return createPayouts({ ...deps, ...payoutProviders(config) })
}

/** How many payouts are in each status now (for metrics). */
export function payoutsByStatus(db: Db) {
  return countPayoutsByStatus(db.$extendTables<PayoutsTables>())
}
