import { createHash } from 'node:crypto'
import { PgBoss, type JobResult, type JobWithMetadata } from 'pg-boss'
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import type { Database } from '../database/database.ts'
import { withOpenTransaction, type QueryRunner } from '../database/transaction.ts'
import { findJob, listJobs, type JobFilter, type JobSummary, type RetryOutcome } from './job-admin.ts'
import type { Logger } from '../telemetry/logger.ts'
import type { Metrics } from '../telemetry/metrics.ts'
import type { ErrorReports } from '../telemetry/error-reports.ts'
import { inJobSpan, traceCarrier } from '../telemetry/tracing.ts'
import { acrossDatabaseOutage } from './database-outage.ts'
import { bossDatabase, bossExecutor } from './boss-database.ts'
import { withTraceContext, withoutTraceContext } from './trace-context.ts'

/** What a handler knows about the job it runs. */
export interface JobContext {
  jobId: string
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number
  /** True on the last attempt: if it fails, the job is not retried (it is dead-lettered). */
  final: boolean
  logger: Logger
  /**
   * Runs `work` (a database step), waiting through a database outage and running it again: for the
   * record of an effect outside the database (an email handed over), which a rerun of the whole
   * handler would repeat. Fails as usual once the worker's outage budget is spent.
   */
  untilDatabaseAnswers: <T>(work: () => Promise<T>) => Promise<T>
}

/**
 * A kind of background job: its queue name, the schema of its payload (checked when it is sent and
 * again when it is received) and its handler.
 *
 * Handlers run at least once, so they must be idempotent: they check whether their effect already
 * happened (a row with a unique key, a status that already moved) before doing it again, and an
 * external call carries an idempotency key stored before the call.
 */
export interface JobDefinition<Payload extends TSchema = TSchema> {
  name: string
  payload: Payload
  handle(payload: Static<Payload>, context: JobContext): Promise<void>
  /** Retries after the first attempt before the job is dead-lettered (default 5). */
  retryLimit?: number
  /** Delay before the first retry; it doubles on each further retry, up to 1 hour (default 10 s). */
  retryDelaySeconds?: number
  /** How long one attempt may run before it counts as failed (default 5 minutes). */
  expireInSeconds?: number
  /**
   * Run on this cron schedule (in the business time zone) with an empty payload; processes that do
   * the queue's housekeeping keep the schedule, and each occurrence runs once whatever the number of
   * workers.
   */
  cron?: string
}

/** A UUID derived from a job's id and a purpose: the same inputs always give the same id. */
export function derivedJobId(jobId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${jobId}:${purpose}`).digest('hex')
  // Shaped as a version 8 (custom) UUID, RFC 9562.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function defineJob<Payload extends TSchema>(
  definition: JobDefinition<Payload>,
): JobDefinition<Payload> {
  return definition
}

export interface SendOptions {
  /**
   * The transaction the job belongs to: the job exists if and only if it commits. Pass the database
   * itself for a job that belongs to no transaction.
   */
  executor: QueryRunner
  /** Run no earlier than this. */
  startAfter?: Date
  /** While a job with this key is waiting, another with the same key is not created. */
  singletonKey?: string
  /**
   * The job's id (a UUID) when the caller chooses it: a second send with the same id creates nothing.
   * A job that enqueues another derives the id from its own (`derivedJobId`), so running twice
   * enqueues once.
   */
  id?: string
}

export interface WorkOptions {
  concurrency: number
  pollIntervalSeconds: number
}

export interface Jobs {
  /** Makes job kinds known; before `start()`. */
  register(definitions: JobDefinition[]): void
  /** Enqueues a job in `options.executor`'s transaction; returns its id (null when deduplicated). */
  send<Payload extends TSchema>(
    job: JobDefinition<Payload>,
    payload: Static<Payload>,
    options: SendOptions,
  ): Promise<string | null>
  /** Installs or upgrades the queue's tables and creates the queues; idempotent. */
  start(): Promise<void>
  /** Starts consuming every registered queue. */
  work(options: WorkOptions): Promise<void>
  /**
   * Runs, in this process, every job that is due now — including jobs those jobs enqueue — until none
   * is left; returns how many ran. For scripts (seeding) and tests; workers use `work()`.
   */
  drain(): Promise<number>
  /** Stops fetching, waits (up to `timeoutMs`) for running jobs, and stops. */
  stop(timeoutMs: number): Promise<void>
  /** Throws when the queue's tables cannot be read. */
  ping(): Promise<void>
  /** Jobs waiting in the dead-letter queue. */
  deadLetterCount(): Promise<number>
  /** Jobs not yet done, and failed ones, by queue and state (for metrics). */
  countByState(): Promise<{ queue: string; state: string; count: number }[]>
  /** Every job, newest first, optionally in one state (for admins). */
  list(
    filter: JobFilter,
    page: { limit: number; offset: number },
  ): Promise<{ count: number; results: JobSummary[] }>
  /** Runs a failed job again (one more attempt). */
  retry(id: string): Promise<RetryOutcome>
  /**
   * True when a job of kind `name` sent with this singleton key is waiting, retrying or running;
   * read in `executor`'s transaction, so a caller that locked what the job is about can then send
   * one without doubling a live job.
   */
  isLive(name: string, singletonKey: string, executor: QueryRunner): Promise<boolean>
}

/** Where jobs go once their retries are used up: kept for a person to inspect and re-drive. */
export const DEAD_LETTER_QUEUE = 'dead-letter'
const MAX_RETRY_DELAY_SECONDS = 3600
const SCHEMA = 'pgboss'
/*
 * A worker that dies (kill -9, a lost machine) stops its jobs' heartbeats: the housekeeping of any
 * other worker hands them to another attempt within these seconds plus one housekeeping pass, instead
 * of after their whole expiry (minutes). A live worker refreshes the heartbeat every half of it, so a
 * slow job is never taken from a worker that is still running it. Only on PostgreSQL: embedded, the
 * API and the worker are one process, and nobody else could take the job over.
 */
const HEARTBEAT_SECONDS = 10
const HOUSEKEEPING_INTERVAL_SECONDS = 10

export interface JobsOptions {
  /** Time zone of cron schedules (default UTC). */
  timeZone?: string
  /**
   * Run the queue's housekeeping (expiring stuck jobs, retention, cron schedules) in this process.
   * Workers do; API-only processes only enqueue.
   */
  maintenance: boolean
  /**
   * How long a job run waits for a database that went away to come back (its handler run again, its
   * settlement retried) before failing as usual. Workers set it; 0 (default) fails at once.
   */
  outageBudgetMs?: number
  /** Counts and times every attempt. */
  metrics?: Pick<Metrics, 'observeJob'>
  /** Told of every failed attempt. */
  errorReports?: Pick<ErrorReports, 'jobFailed'>
}

export function createJobs(database: Database, logger: Logger, options: JobsOptions): Jobs {
  const definitions = new Map<string, { definition: JobDefinition; check: ReturnType<typeof Compile> }>()
  const outageBudgetMs = options.outageBudgetMs ?? 0
  const db = bossDatabase(database, outageBudgetMs)
  const boss = new PgBoss({
    db,
    backend: database.kind === 'pglite' ? 'pglite' : 'postgres',
    schema: SCHEMA,
    supervise: options.maintenance,
    superviseIntervalSeconds: HOUSEKEEPING_INTERVAL_SECONDS,
    monitorIntervalSeconds: HOUSEKEEPING_INTERVAL_SECONDS,
    schedule: options.maintenance,
    migrate: true,
  })
  boss.on('error', (error) => {
    logger.error({ err: error }, 'job queue error')
  })
  let started = false

  function known(name: string) {
    const entry = definitions.get(name)
    if (!entry) throw new Error(`Unknown job "${name}": register it before use.`)
    return entry
  }

  async function runOne(job: JobWithMetadata<unknown>): Promise<JobResult<object>> {
    const started = performance.now()
    const { payload, enqueuedIn } = withoutTraceContext(job.data)
    const run = { queue: job.name, jobId: job.id, attempt: job.retryCount + 1, enqueuedIn }
    const result = await inJobSpan(
      run,
      () => attempt(job, payload),
      (done) => (done.status === 'completed' ? undefined : done.status),
    )
    const outcome =
      result.status === 'completed'
        ? 'completed'
        : result.status === 'failed' && job.retryCount < job.retryLimit
          ? 'retried'
          : 'failed'
    options.metrics?.observeJob(job.name, outcome, (performance.now() - started) / 1000)
    return result
  }

  async function attempt(job: JobWithMetadata<unknown>, payload: unknown): Promise<JobResult<object>> {
    const { definition, check } = known(job.name)
    const attempt = job.retryCount + 1
    const log = logger.child({ job: job.name, jobId: job.id, attempt })
    if (!check.Check(payload)) {
      const problems = check.Errors(payload).map((error) => `${error.instancePath || '/'} ${error.message}`)
      log.error({ problems }, 'job payload is invalid; dead-lettered without retrying')
      return { id: job.id, status: 'deadletter', output: { error: 'invalid payload', problems } }
    }
    const final = job.retryCount >= job.retryLimit
    try {
      const untilDatabaseAnswers = <T>(work: () => Promise<T>) =>
        acrossDatabaseOutage(database, outageBudgetMs, work)
      const context = { jobId: job.id, attempt, final, logger: log, untilDatabaseAnswers }
      await untilDatabaseAnswers(() => definition.handle(payload, context))
      return { id: job.id, status: 'completed' }
    } catch (error) {
      log.warn({ err: error, final }, final ? 'job failed; dead-lettered' : 'job failed; will retry')
      options.errorReports?.jobFailed(error, { queue: job.name, jobId: job.id, attempt, final })
      return {
        id: job.id,
        status: 'failed',
        output: { error: error instanceof Error ? error.message : String(error) },
      }
    }
  }

  /**
   * Fails an active job for good, whatever retries it has left, so it goes to the dead-letter queue
   * now. (pg-boss does this itself only for the per-job results of `work()`; a failure with no retries
   * left takes its own dead-lettering path.)
   */
  async function deadLetter(name: string, id: string, output: object | null): Promise<void> {
    await db.executeSql(
      `update ${SCHEMA}.job set retry_limit = retry_count where name = $1 and id = $2 and state = 'active'`,
      [name, id],
    )
    await boss.fail(name, id, output)
  }

  return {
    register(list) {
      for (const definition of list) {
        if (definitions.has(definition.name)) throw new Error(`Job "${definition.name}" is registered twice.`)
        definitions.set(definition.name, { definition, check: Compile(definition.payload) })
      }
    },

    async send(job, payload, options) {
      const { check } = known(job.name)
      if (!check.Check(payload)) {
        const problems = check.Errors(payload).map((error) => `${error.instancePath || '/'} ${error.message}`)
        throw new Error(`Invalid payload for job "${job.name}": ${problems.join('; ')}`)
      }
      const enqueuedIn = traceCarrier()
      const data = withTraceContext(payload, enqueuedIn)
      // pg-boss's own look-ups during send must use the same transaction (see bossDatabase).
      return withOpenTransaction(options.executor, () =>
        boss.send(job.name, data, {
          db: bossExecutor(database, options.executor),
          ...(options.startAfter ? { startAfter: options.startAfter } : {}),
          ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
          ...(options.id ? { id: options.id } : {}),
        }),
      )
    },

    async start() {
      if (started) return
      await boss.start()
      started = true
      if ((await boss.getQueue(DEAD_LETTER_QUEUE)) === null) await boss.createQueue(DEAD_LETTER_QUEUE)
      for (const { definition } of definitions.values()) {
        const queueOptions = {
          retryLimit: definition.retryLimit ?? 5,
          retryDelay: definition.retryDelaySeconds ?? 10,
          retryBackoff: true,
          retryDelayMax: MAX_RETRY_DELAY_SECONDS,
          expireInSeconds: definition.expireInSeconds ?? 300,
          ...(database.kind === 'postgres' ? { heartbeatSeconds: HEARTBEAT_SECONDS } : {}),
          deadLetter: DEAD_LETTER_QUEUE,
        }
        if ((await boss.getQueue(definition.name)) === null)
          await boss.createQueue(definition.name, queueOptions)
        else await boss.updateQueue(definition.name, queueOptions)
        if (definition.cron !== undefined && options.maintenance) {
          await boss.schedule(definition.name, definition.cron, {}, { tz: options.timeZone ?? 'UTC' })
        }
      }
    },

    async work({ concurrency, pollIntervalSeconds }) {
      for (const name of definitions.keys()) {
        await boss.work(
          name,
          {
            batchSize: 1,
            localConcurrency: concurrency,
            pollingIntervalSeconds: pollIntervalSeconds,
            includeMetadata: true,
            perJobResults: true,
          },
          async (jobs) => Promise.all(jobs.map((job) => runOne(job))),
        )
      }
    },

    async drain() {
      let ran = 0
      for (let round = 0; round < 1000; round++) {
        let found = 0
        for (const name of definitions.keys()) {
          const batch = await boss.fetch<unknown>(name, { batchSize: 50, includeMetadata: true })
          for (const job of batch) {
            const result = await runOne(job)
            if (result.status === 'completed') await boss.complete(name, job.id, result.output ?? null)
            else if (result.status === 'deadletter') await deadLetter(name, job.id, result.output ?? null)
            else await boss.fail(name, job.id, result.output ?? null)
          }
          found += batch.length
        }
        ran += found
        if (found === 0) return ran
      }
      throw new Error('Jobs keep enqueuing jobs; gave up after 1000 rounds.')
    },

    async stop(timeoutMs) {
      if (!started) return
      await boss.stop({ graceful: true, timeout: timeoutMs, close: false })
      started = false
    },

    async ping() {
      await boss.getQueue(DEAD_LETTER_QUEUE)
    },

    list(filter, page) {
      return listJobs((text, values) => db.executeSql(text, values), SCHEMA, filter, page)
    },

    async retry(id) {
      const job = await findJob((text, values) => db.executeSql(text, values), SCHEMA, id)
      if (!job) return 'not_found'
      if (job.state !== 'failed') return 'not_failed'
      await boss.retry(job.name, id)
      // Failed meanwhile by nobody else: pg-boss retries only failed jobs, so read what it did.
      const after = await findJob((text, values) => db.executeSql(text, values), SCHEMA, id)
      return after?.state === 'failed' ? 'not_failed' : 'retried'
    },

    async isLive(name, singletonKey, executor) {
      const { rows } = await bossExecutor(database, executor).executeSql(
        `select exists (select 1 from ${SCHEMA}.job where name = $1 and singleton_key = $2
           and state in ('created', 'retry', 'active')) as live`,
        [name, singletonKey],
      )
      return (rows as { live: boolean }[])[0]?.live === true
    },

    async countByState() {
      const { rows } = await db.executeSql(
        `select name as queue, state::text as state, count(*)::int as count from ${SCHEMA}.job
          where state in ('created', 'retry', 'active', 'failed') group by name, state`,
        [],
      )
      return rows as { queue: string; state: string; count: number }[]
    },

    async deadLetterCount() {
      // Counted now: the queue's own counters are a cache refreshed only by housekeeping.
      const { rows } = await db.executeSql(
        `select count(*)::int as waiting from ${SCHEMA}.job where name = $1 and state < 'active'`,
        [DEAD_LETTER_QUEUE],
      )
      const [counted] = rows as { waiting: number }[]
      return counted?.waiting ?? 0
    },
  }
}
