import type { Env, Reader } from './config-reader.ts'

export interface TelemetryConfig {
  /** Where Prometheus scrapes `/metrics`: a port of its own, on loopback unless told otherwise. */
  metrics: { host: string; port: number }
  /** Error reports to Sentry (or a compatible service) when `dsn` is set. */
  sentry: { dsn: string | undefined; environment: string; release: string }
}

export function readTelemetry(read: Reader, nodeEnv: string, version: string): TelemetryConfig {
  return {
    metrics: {
      host: read.string('METRICS_HOST', '127.0.0.1'),
      port: read.integer('METRICS_PORT', 9464, 0, 65535),
    },
    sentry: {
      dsn: read.optionalUrl('SENTRY_DSN', ['http:', 'https:']),
      environment: read.string('SENTRY_ENVIRONMENT', nodeEnv),
      release: read.string('SENTRY_RELEASE', `bureau@${version}`),
    },
  }
}

/**
 * Whether traces are exported: the OpenTelemetry SDK's own variables decide, as its documentation
 * says (an OTLP endpoint, or an exporter other than `none`). Read before the application loads, by
 * the `--import` hook (platform/telemetry/instrument.ts).
 */
export function tracingEnabled(env: Env): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim()
  if (exporter !== undefined && exporter !== '') return exporter !== 'none'
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT
  return endpoint !== undefined && endpoint.trim() !== '' && env.OTEL_SDK_DISABLED !== 'true'
}
