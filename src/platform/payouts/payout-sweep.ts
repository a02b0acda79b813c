import { Type } from 'typebox'
import type { Clock } from '../clock.ts'
import { transaction } from '../database/transaction.ts'
import { defineJob, derivedJobId, type JobDefinition, type Jobs } from '../jobs/jobs.ts'
import { payoutJobKey, type PayoutJobPayload } from './payout-jobs.ts'
import type { PayoutProvider } from './provider.ts'
import * as repository from './payouts.repository.ts'
import type { PayoutsDb } from './payouts.repository.ts'

/** How long a payout a job should be moving may wait without a live job before it gets one again. */
export const SWEEP_GRACE_MS = 15 * 60 * 1000
/** Every 10 minutes. */
const SWEEP_CRON = '*/10 * * * *'
const SWEEP_BATCH = 500

type PayoutJob = JobDefinition<typeof PayoutJobPayload>

export interface PayoutSweepDependencies {
  db: PayoutsDb
  jobs: Jobs
  clock: Clock
  providers: Map<PayoutProvider['name'], PayoutProvider>
  preparePayout: PayoutJob
  fundPayout: PayoutJob
}

/**
 * The sweep of payouts left pending or approved without a live job (a worker that died on the
 * job's last attempt, an attempt that expired): each gets its job again, in one transaction that
 * locks the payout, checks that no job of it waits, retries or runs, marks it changed now (the next
 * sweep waits another grace period) and enqueues the job under the payout's job key, with an id
 * derived from the payout's last change, so two sweeps never double it.
 */
export function createPayoutSweep(deps: PayoutSweepDependencies) {
  const { db, jobs, clock } = deps
  // Approved payouts of a provider that only records them wait for a person, not for a job.
  const recordingOnly = [...deps.providers.values()]
    .filter((provider) => !provider.executesTransfers)
    .map((provider) => provider.name)

  /** Gives the payout its job again unless it moved or has a live job; true when it did. */
  async function resume(id: number, cutoff: Date): Promise<boolean> {
    return transaction(db, async (tx) => {
      const row = await repository.lockUnsettledPayout(tx, id, cutoff)
      if (!row) return false
      const job = row.status === 'pending' ? deps.preparePayout : deps.fundPayout
      const key = payoutJobKey(id)
      if (await jobs.isLive(job.name, key, tx)) return false
      await repository.touchPayout(tx, id, clock.now())
      const jobId = derivedJobId(key, `${job.name}@${row.updated_at.toISOString()}`)
      await jobs.send(job, { payoutId: id }, { executor: tx, singletonKey: key, id: jobId })
      return true
    })
  }

  return defineJob({
    name: 'sweep-payouts',
    payload: Type.Object({}),
    cron: SWEEP_CRON,
    handle: async (_payload, { logger }) => {
      const cutoff = new Date(clock.now().getTime() - SWEEP_GRACE_MS)
      const ids = await repository.findUnsettledPayouts(db, { cutoff, recordingOnly, limit: SWEEP_BATCH })
      const resumed: number[] = []
      for (const id of ids) if (await resume(id, cutoff)) resumed.push(id)
      if (resumed.length > 0) logger.warn({ payoutIds: resumed }, 'payouts without a live job got it again')
    },
  })
}
