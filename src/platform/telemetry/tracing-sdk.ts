import { register } from 'node:module'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace'
import { createAddHookMessageChannel } from 'import-in-the-middle'
import { RedactingSpanProcessor } from './span-redaction.ts'
import { markTracingActive } from './tracing.ts'

export interface TracingOptions {
  /** Where spans go; default: OTLP over HTTP (OTEL_EXPORTER_OTLP_*), or the console with OTEL_TRACES_EXPORTER=console. */
  spanProcessors?: SpanProcessor[]
  /** OTEL_TRACES_EXPORTER, read by config.ts. */
  exporter?: string | undefined
  /** OTEL_SERVICE_NAME, or bureau. */
  serviceName?: string
}

/**
 * Starts the OpenTelemetry SDK: spans for incoming and outgoing HTTP (fetch included), PostgreSQL and
 * Redis, each redacted before export. Must run before the application's modules are imported — the
 * ESM loader hook can only wrap modules loaded after it — so `npm start` passes instrument.ts to
 * `node --import`. The hook wraps only the modules an instrumentation asked for.
 */
export async function startTracing(options: TracingOptions = {}): Promise<NodeSDK> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel()
  // The asynchronous loader, not module.registerHooks(): import-in-the-middle's synchronous one needs
  // Node 22.22.3 or 24.11.1, and Bureau runs from 22.12.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions)
  const processors = options.spanProcessors ?? [
    new BatchSpanProcessor({ exporter: exporterFor(options.exporter) }),
  ]
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? 'bureau',
    spanProcessors: processors.map((processor) => new RedactingSpanProcessor(processor)),
    instrumentations: [
      // Health checks are polled every few seconds; a trace each would bury the real ones.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(health|ready)\b/.test(request.url ?? ''),
      }),
      new UndiciInstrumentation(),
      // Only inside a request or a job: the workers' polling would otherwise be a trace per poll.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      // The command only: keys and arguments hold cache keys, client addresses and cached data.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
  })
  sdk.start()
  await waitForAllMessagesAcknowledged()
  markTracingActive()
  return sdk
}

function exporterFor(name: string | undefined) {
  return name === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter()
}
