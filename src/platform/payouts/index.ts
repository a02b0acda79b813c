import type { Config } from '../../config.ts'
import type { Clock } from '../clock.ts'
import type { Db } from '../database/database.ts'
import type { Jobs } from '../jobs/jobs.ts'
import { createPayouts } from './payouts.ts'
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
export type { PayoutRecipient } from './provider.ts'

/** The provider PAYOUT_PROVIDER names: manual (default) or Wise with WISE_*. */
export function payoutProvider(config: Config): PayoutProvider {
  const { provider, wise } = config.payouts
  if (provider === 'manual' || wise.apiToken === undefined) return manualProvider
  const client = createWiseClient({
    apiToken: wise.apiToken,
    baseUrl: wise.baseUrl,
    timeoutMs: wise.timeoutMs,
  })
  return createWiseProvider(client, { profileId: wise.profileId })
}

export function createPayoutsFromConfig(config: Config, deps: { db: Db; jobs: Jobs; clock: Clock }) {
  return createPayouts({ ...deps, provider: payoutProvider(config) })
}
