import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { Type } from 'typebox'
import { signIn } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { observeDatabase } from '../database-metrics.ts'
import { defineJob } from '../jobs/jobs.ts'
import { createMetrics, startMetricsServer, type MetricsServer } from './metrics.ts'

const logger = pino({ level: 'silent' })
const failing = (name: string, retryLimit: number) =>
  defineJob({
    name,
    payload: Type.Object({}),
    retryLimit,
    handle: async () => {
      throw new Error('the provider is down')
    },
  })
const flaky = failing('metrics-flaky', 3)
const broken = failing('metrics-broken', 0)

let t: TestApp
let server: MetricsServer

before(async () => {
  t = await buildTestApp({
    beforeStart: (platform) => {
      platform.jobs.register([flaky, broken])
    },
  })
  const started = await startMetricsServer(t.platform.metrics, { host: '127.0.0.1', port: 0 }, logger)
  assert.ok(started)
  server = started
})

after(async () => {
  await server.close()
  await t.close()
})

async function scrape(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`)
  assert.equal(response.status, 200)
  assert.match(String(response.headers.get('content-type')), /^text\/plain/)
  return response.text()
}

/** The value of one sample, by its exact name and labels as Prometheus prints them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('/metrics', () => {
  it('times HTTP requests by method, route template and status, never by raw path', async () => {
    const user = await signIn(t)
    for (const id of [123, 456]) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/companies/${id}`,
        headers: user.headers,
      })
      assert.equal(response.statusCode, 403)
    }
    const text = await scrape()
    const series =
      'http_request_duration_seconds_count{method="GET",route="/api/companies/:id",status_code="403"}'
    assert.equal(sample(text, series), 2)
    assert.ok(!text.includes('/api/companies/123'), 'no id in a label')
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/token\/",status_code="200"\}/,
    )
  })

  it('counts job attempts by queue: processed, retried and failed, with their durations', async () => {
    const register = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'metrics@example.com', password: 'a fine password', first_name: 'M', last_name: 'T' },
    })
    assert.equal(register.statusCode, 201)
    await t.platform.jobs.send(flaky, {}, { executor: t.platform.db })
    await t.platform.jobs.send(broken, {}, { executor: t.platform.db })
    await t.platform.jobs.drain()
    const text = await scrape()
    assert.equal(sample(text, 'bureau_jobs_processed_total{queue="send-email"}'), 1)
    assert.equal(sample(text, 'bureau_jobs_retried_total{queue="metrics-flaky"}'), 1)
    assert.equal(sample(text, 'bureau_jobs_failed_total{queue="metrics-broken"}'), 1)
    assert.equal(sample(text, 'bureau_job_duration_seconds_count{queue="send-email"}'), 1)
  })

  it('includes the process metrics', async () => {
    const text = await scrape()
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.ok(sample(text, name) !== undefined, name)
    }
  })

  it('answers 404 for anything but GET /metrics', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/auth/me`)
    assert.equal(response.status, 404)
    await response.body?.cancel()
  })
})

describe('gauges read at each scrape', () => {
  it('show the latest reading, and leave out one whose reading fails without failing the scrape', async () => {
    const metrics = createMetrics()
    let depth = 3
    metrics.gauge('test_queue_jobs', 'Jobs.', ['state'], () => [
      { labels: { state: 'created' }, value: depth },
    ])
    metrics.gauge('test_broken', 'Broken.', ['state'], () => Promise.reject(new Error('database down')))
    assert.match(await metrics.registry.metrics(), /^test_queue_jobs\{state="created"\} 3$/m)
    depth = 0
    const text = await metrics.registry.metrics()
    assert.match(text, /^test_queue_jobs\{state="created"\} 0$/m)
    assert.doesNotMatch(text, /^test_broken\{/m)
  })

  it('report the database pool on PostgreSQL only (the embedded database has one connection)', async () => {
    const text = await scrape()
    const inUse = sample(text, 'bureau_database_connections{state="in_use"}')
    if (t.platform.database.kind === 'postgres') assert.ok(inUse !== undefined && inUse >= 0)
    else assert.equal(inUse, undefined)
  })
})

describe('database-wide gauges', () => {
  it('show the jobs waiting by queue and state', async () => {
    const metrics = createMetrics()
    observeDatabase(metrics, t.platform.database, t.platform.jobs)
    await t.platform.jobs.send(flaky, {}, { executor: t.platform.db })
    await t.platform.jobs.send(flaky, {}, { executor: t.platform.db })
    const text = await metrics.registry.metrics()
    assert.equal(sample(text, 'bureau_queue_jobs{queue="metrics-flaky",state="created"}'), 2)
    assert.match(text, /^# TYPE bureau_payouts gauge$/m)
  })
})
