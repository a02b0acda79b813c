import type { TelemetryConfig } from '../../config-telemetry.ts'

/** What is known of a request whose handler failed unexpectedly. */
export interface FailedRequest {
  requestId: string
  method: string
  /** The route's template, never the path with its ids. */
  route: string | undefined
  /** The signed-in user's id; never their email. */
  userId: number | undefined
}

export interface FailedJob {
  queue: string
  jobId: string
  attempt: number
  /** No retry follows. */
  final: boolean
}

/**
 * Unexpected errors, reported to Sentry when SENTRY_DSN is set. Only what the API would answer with
 * a 500 and jobs that throw: client errors (4xx) are the client's business, not an incident.
 */
export interface ErrorReports {
  requestFailed(error: unknown, request: FailedRequest): void
  jobFailed(error: unknown, job: FailedJob): void
  /** Sends what is still queued (at shutdown; in tests). */
  flush(timeoutMs: number): Promise<void>
}

const NO_REPORTS: ErrorReports = {
  requestFailed: () => undefined,
  jobFailed: () => undefined,
  flush: async () => undefined,
}

/**
 * Integrations kept: none that reads requests, local variables, console output or outgoing URLs,
 * where passwords and tokens live; the error, its causes and its stack are what is sent.
 */
const KEPT_INTEGRATIONS = new Set([
  'EventFilters',
  'FunctionToString',
  'LinkedErrors',
  'Dedupe',
  'NodeSystemError',
  'OnUncaughtException',
  'OnUnhandledRejection',
  'ContextLines',
  'Context',
  'Modules',
])

/** Sentry's SDK is loaded only when a DSN is configured. */
export async function createErrorReports(settings: TelemetryConfig['sentry']): Promise<ErrorReports> {
  if (settings.dsn === undefined) return NO_REPORTS
  const Sentry = await import('@sentry/node')
  Sentry.init({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    // Nothing about people or requests beyond the ids set below.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      stackFrameVariables: false,
    },
    enableRuntimeChannelInjection: false,
    integrations: (defaults) => defaults.filter((integration) => KEPT_INTEGRATIONS.has(integration.name)),
  })
  return {
    requestFailed(error, request) {
      Sentry.withScope((scope) => {
        scope.setTags({
          request_id: request.requestId,
          method: request.method,
          route: request.route ?? 'unmatched',
        })
        if (request.userId !== undefined) scope.setUser({ id: String(request.userId) })
        Sentry.captureException(error)
      })
    },
    jobFailed(error, job) {
      Sentry.withScope((scope) => {
        scope.setTags({ queue: job.queue, job_id: job.jobId, attempt: job.attempt, final: job.final })
        Sentry.captureException(error)
      })
    },
    async flush(timeoutMs) {
      await Sentry.flush(timeoutMs)
    },
  }
}
