import type { Database } from './database/database.ts'
import type { Jobs } from './jobs/jobs.ts'
import { payoutsByStatus } from './payouts/index.ts'
import type { Metrics } from './telemetry/metrics.ts'

/**
 * Gauges read when Prometheus scrapes: this process's connection pool, and — in processes that run
 * jobs, since every process would report the same database-wide figures — queue depth and payouts.
 */
export function observeDatabase(metrics: Metrics, database: Database, jobs: Jobs | undefined): void {
  metrics.gauge('bureau_database_connections', 'PostgreSQL pool connections by state.', ['state'], () => {
    const stats = database.poolStats()
    if (!stats) return []
    return [
      { labels: { state: 'in_use' }, value: stats.inUse },
      { labels: { state: 'idle' }, value: stats.idle },
      { labels: { state: 'waiting' }, value: stats.waiting },
    ]
  })
  if (!jobs) return
  metrics.gauge(
    'bureau_queue_jobs',
    'Jobs waiting, retrying, running or failed, by queue.',
    ['queue', 'state'],
    async () =>
      (await jobs.countByState()).map(({ queue, state, count }) => ({
        labels: { queue, state },
        value: count,
      })),
  )
  metrics.gauge('bureau_payouts', 'Payouts by status.', ['status'], async () =>
    (await payoutsByStatus(database.db)).map(({ status, count }) => ({ labels: { status }, value: count })),
  )
}
