import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api'

/**
 * Bureau's own spans and trace plumbing, through the OpenTelemetry API only. Until the SDK is
 * started (by the `--import` hook, instrument.ts) nothing here records anything, and the callers
 * skip even the calls: tracing off costs one boolean test per request, query or job.
 */
let active = false

/** Called once the SDK is started. */
export function markTracingActive(): void {
  active = true
}

export function tracingActive(): boolean {
  return active
}

const tracer = () => trace.getTracer('bureau')

/** Names the current HTTP server span after the route's template (`GET /api/companies/:id`). */
export function nameRequestSpan(method: string, route: string): void {
  const span = trace.getActiveSpan()
  if (!span) return
  span.updateName(`${method} ${route}`)
  span.setAttribute('http.route', route)
}

/** The trace and span ids of the current span, for log lines; empty when there is none. */
export function currentTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const { traceId, spanId } = span.spanContext()
  return { trace_id: traceId, span_id: spanId }
}

/** The W3C trace context of the current span, to be carried in a job's data; undefined when none. */
export function traceCarrier(): Record<string, string> | undefined {
  if (!active) return undefined
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent === undefined ? undefined : carrier
}

export interface JobRun {
  queue: string
  jobId: string
  attempt: number
  /** The trace context the job was enqueued in (see `traceCarrier`). */
  enqueuedIn: Record<string, string> | undefined
}

/**
 * Runs one attempt of a job in a span of its own: a new trace (the request that enqueued it has
 * long answered), linked to the span that enqueued it. `failure` reads a failed outcome's reason.
 */
export async function inJobSpan<T>(
  job: JobRun,
  work: () => Promise<T>,
  failure: (result: T) => string | undefined,
): Promise<T> {
  if (!active) return work()
  const enqueuer = job.enqueuedIn && trace.getSpanContext(propagation.extract(ROOT_CONTEXT, job.enqueuedIn))
  const options = {
    kind: SpanKind.CONSUMER,
    root: true,
    links: enqueuer ? [{ context: enqueuer }] : [],
    attributes: {
      'messaging.system': 'pg-boss',
      'messaging.operation.type': 'process',
      'messaging.destination.name': job.queue,
      'messaging.message.id': job.jobId,
      'bureau.job.attempt': job.attempt,
    },
  }
  return tracer().startActiveSpan(`job ${job.queue}`, options, ROOT_CONTEXT, async (span: Span) => {
    try {
      const result = await work()
      const reason = failure(result)
      if (reason !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: reason })
      return result
    } finally {
      span.end()
    }
  })
}

/**
 * A span for one query on the embedded database, which no instrumentation knows (PostgreSQL's
 * driver is traced by the pg instrumentation). The statement has placeholders, never values.
 */
export async function inQuerySpan<T>(statement: string, work: () => Promise<T>): Promise<T> {
  // Only inside a request or a job, as for PostgreSQL: the workers' polling is no one's trace.
  if (!active || trace.getActiveSpan() === undefined) return work()
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'QUERY'
  const options = {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'postgresql',
      'db.operation.name': operation,
      'db.query.text': statement,
    },
  }
  return tracer().startActiveSpan(`${operation} (embedded)`, options, async (span: Span) => {
    try {
      return await work()
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' })
      throw error
    } finally {
      span.end()
    }
  })
}
