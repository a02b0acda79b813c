import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client'
import type { Logger } from './logger.ts'

/** How a job's attempt ended, as counted: done, failing with retries left, or failed for good. */
export type JobOutcome = 'completed' | 'retried' | 'failed'

/** A figure read from the database when Prometheus scrapes: one value per set of labels. */
export type Reading<Label extends string> = { labels: Record<Label, string>; value: number }[]

export interface Metrics {
  readonly registry: Registry
  /** One HTTP request, by method, route template (never the raw path) and status. */
  observeRequest(method: string, route: string, status: number, seconds: number): void
  /** One attempt of a job, by queue. */
  observeJob(queue: string, outcome: JobOutcome, seconds: number): void
  /** A gauge read at each scrape (queue depth, pool, payouts); a failed read leaves it out. */
  gauge<Label extends string>(
    name: string,
    help: string,
    labels: readonly Label[],
    read: () => Promise<Reading<Label>> | Reading<Label>,
  ): void
}

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300]

/** Prometheus metrics of this process, in a registry of its own (tests build many platforms). */
export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests: time to answer, by method, route template and status.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  })
  const requestSeries = new Map<string, (seconds: number) => void>()
  const jobCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['queue'] as const, registers: [registry] })
  const jobCounters: Record<JobOutcome, Counter<'queue'>> = {
    completed: jobCounter('bureau_jobs_processed_total', 'Job attempts that completed, by queue.'),
    retried: jobCounter(
      'bureau_jobs_retried_total',
      'Job attempts that failed and will be retried, by queue.',
    ),
    failed: jobCounter(
      'bureau_jobs_failed_total',
      'Job attempts that failed for good (dead-lettered), by queue.',
    ),
  }
  const jobDurations = new Histogram({
    name: 'bureau_job_duration_seconds',
    help: 'Time one job attempt took, by queue.',
    labelNames: ['queue'] as const,
    buckets: JOB_BUCKETS,
    registers: [registry],
  })

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      // One series per method, route and status, found by one string key instead of prom-client's
      // hashing of a label object on every request (this runs on every request).
      const series = `${method} ${status} ${route}`
      let observe = requestSeries.get(series)
      if (!observe) {
        const child = requests.labels({ method, route, status_code: String(status) })
        observe = (value: number) => {
          child.observe(value)
        }
        requestSeries.set(series, observe)
      }
      observe(seconds)
    },
    observeJob(queue, outcome, seconds) {
      jobCounters[outcome].inc({ queue })
      jobDurations.observe({ queue }, seconds)
    },
    gauge<Label extends string>(
      name: string,
      help: string,
      labels: readonly Label[],
      read: () => Promise<Reading<Label>> | Reading<Label>,
    ) {
      new Gauge<Label>({
        name,
        help,
        labelNames: labels,
        registers: [registry],
        async collect() {
          this.reset()
          let readings: Reading<Label>
          try {
            readings = await read()
          } catch {
            return // The rest of the scrape still answers; the gauge's absence says enough.
          }
          for (const { labels: set, value } of readings) this.set(set as LabelValues<Label>, value)
        },
      })
    },
  }
}

export interface MetricsServer {
  /** The port it listens on (METRICS_PORT=0 picks a free one). */
  port: number
  close(): Promise<void>
}

/**
 * Serves `GET /metrics` on a port of its own, away from the API's (and its load balancer); nothing
 * else. A port already taken is logged and the process runs on without metrics, rather than not
 * at all.
 */
export async function startMetricsServer(
  metrics: Metrics,
  address: { host: string; port: number },
  logger: Logger,
): Promise<MetricsServer | undefined> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?', 1)[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found; metrics are at /metrics.\n')
      return
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics could not be collected')
        response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected.\n')
      },
    )
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(address.port, address.host, resolve)
    })
  } catch (error) {
    logger.error({ err: error, ...address }, 'metrics server could not listen; metrics are not served')
    return undefined
  }
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        }),
      ),
  }
}
