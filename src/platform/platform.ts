import path from 'node:path'
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { createCache, type Cache } from './cache/index.ts'
import { connectRedis } from './cache/redis.ts'
import { systemClock, type Clock } from './clock.ts'
import { openDatabase, type Database, type Db } from './database/database.ts'
import { createEmails, sendEmailJob, type Emails } from './email/email-job.ts'
import { createMailer, type Mailer } from './email/mailer.ts'
import { createIdempotency, type Idempotency } from './http/idempotency.ts'
import { createImages, type Images } from './images/images.ts'
import { createJobs, defineJob, type Jobs } from './jobs/jobs.ts'
import { Type } from 'typebox'
import { createStorage, type StorageDriver } from './storage/index.ts'
import { createLogger, type Logger } from './telemetry/logger.ts'
import { createMetrics, type Metrics } from './telemetry/metrics.ts'
import { createErrorReports, type ErrorReports } from './telemetry/error-reports.ts'
import { createPayoutsFromConfig, type Payouts } from './payouts/index.ts'
import { observeDatabase } from './database-metrics.ts'
import { createAudit, type Audit } from './audit/index.ts'
import { createApprovals, type Approvals } from './approvals/index.ts'

/** Everything a module may use from the infrastructure, handed to `createXModule(platform)`. */
export interface Platform {
  readonly config: Config
  readonly logger: Logger
  /** Prometheus metrics of this process (served on METRICS_PORT by the servers). */
  readonly metrics: Metrics
  /** Unexpected errors of requests and jobs, to Sentry when SENTRY_DSN is set. */
  readonly errorReports: ErrorReports
  readonly clock: Clock
  readonly database: Database
  readonly db: Db
  /** Present when REDIS_URL is set: shared rate limits and cache. */
  readonly redis: Redis | undefined
  /** Shared cache: Redis when configured, in-process LRU otherwise. */
  readonly cache: Cache
  readonly jobs: Jobs
  readonly mailer: Mailer
  /** Enqueues email in a transaction (the `send-email` job delivers it). */
  readonly emails: Emails
  /** Files: local disk (served at /files with signed links) or S3. */
  readonly storage: StorageDriver
  /** Uploaded images, checked and resized in the background. */
  readonly images: Images
  /** `Idempotency-Key` support for routes that create money movements or bookings. */
  readonly idempotency: Idempotency
  /** Money sent out (refunds, early payments) through the configured provider, by jobs. */
  readonly payouts: Payouts
  /** The audit log's writer (append-only; written in the transaction of the change it records). */
  readonly audit: Audit
  /** Approvals of decisions that need two people. */
  readonly approvals: Approvals
  /** Closes connections; call after the HTTP server and workers have stopped. */
  close(): Promise<void>
}

/**
 * What this process does: `all` serves the API and runs jobs (embedded default), `api` only serves
 * (it still enqueues), `worker` only runs jobs. Queue housekeeping runs where jobs run.
 */
export type ProcessRole = 'all' | 'api' | 'worker'

export interface PlatformOptions {
  role?: ProcessRole
  /** Who opens an embedded database folder (written into its lock): the CLI command and its port. */
  owner?: { command: string; port: number | null }
  clock?: Clock
  database?: Database
  logger?: Logger
  mailer?: Mailer
}

/** How long a worker's running jobs wait for a database that went away (a restart, a failover). */
const JOB_OUTAGE_BUDGET_MS = 30_000

/** Where the embedded database lives when DATABASE_URL is not set. */
export function embeddedDatabaseFolder(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'pglite')
}

export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config)
  const clock = options.clock ?? systemClock(config.businessTimezone)
  const database =
    options.database ??
    (await openDatabase(
      config.databaseUrl
        ? {
            kind: 'postgres',
            url: config.databaseUrl,
            poolSize: config.databasePoolSize,
            preparedStatements: config.databasePreparedStatements,
          }
        : { kind: 'pglite', dataDir: embeddedDatabaseFolder(config), owner: options.owner },
    ))
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined
  redis?.on('error', (error: Error) => {
    logger.warn({ err: error }, 'redis connection error')
  })
  const cache = createCache(config, redis, clock, logger)
  const metrics = createMetrics()
  const errorReports = await createErrorReports(config.telemetry.sentry)
  const runsJobs = (options.role ?? 'all') !== 'api'
  const jobs = createJobs(database, logger, {
    maintenance: runsJobs,
    // A database restart delays the jobs running meanwhile instead of leaving them to their expiry.
    outageBudgetMs: runsJobs ? JOB_OUTAGE_BUDGET_MS : 0,
    timeZone: config.businessTimezone,
    metrics,
    errorReports,
  })
  const mailer = options.mailer ?? createMailer(config, logger)
  const emailJob = sendEmailJob(mailer, database.db, clock, new URL(config.publicUrl).hostname)
  const storage = createStorage(config, clock)
  const { images, processImage, sweepOrphans } = createImages({
    db: database.db,
    storage,
    jobs,
    clock,
    limits: { maxBytes: config.uploadMaxBytes, maxPixels: config.imageMaxPixels },
  })
  const idempotency = createIdempotency(database.db, clock)
  const purgeIdempotencyKeys = defineJob({
    name: 'purge-idempotency-keys',
    payload: Type.Object({}),
    cron: '17 * * * *',
    handle: async (_payload, { logger: log }) => {
      log.info({ purged: await idempotency.purgeExpired() }, 'expired idempotency keys purged')
    },
  })
  jobs.register([emailJob, processImage, sweepOrphans, purgeIdempotencyKeys])
  const audit = createAudit(clock)
  const payouts = createPayoutsFromConfig(config, { db: database.db, jobs, clock, audit })
  jobs.register(payouts.jobs)
  observeDatabase(metrics, database, runsJobs ? jobs : undefined)
  return {
    config,
    logger,
    metrics,
    errorReports,
    clock,
    database,
    db: database.db,
    redis,
    cache,
    jobs,
    mailer,
    emails: createEmails(jobs, emailJob),
    storage,
    images,
    idempotency,
    payouts: payouts.payouts,
    audit,
    approvals: createApprovals(clock, audit),
    close: async () => {
      mailer.close()
      storage.close()
      redis?.disconnect()
      await database.close()
      await errorReports.flush(2000)
    },
  }
}
