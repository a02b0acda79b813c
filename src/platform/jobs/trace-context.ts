/** Where a job's data carries the trace context it was enqueued in (only while tracing). */
const TRACE_KEY = '__trace'

/** The job's data: its payload, with the trace context it is enqueued in when there is one. */
export function withTraceContext(payload: object, enqueuedIn: Record<string, string> | undefined): object {
  return enqueuedIn ? { ...payload, [TRACE_KEY]: enqueuedIn } : payload
}

/** A job's payload without the trace context `send` added to its data, and that context. */
export function withoutTraceContext(data: unknown): {
  payload: unknown
  enqueuedIn: Record<string, string> | undefined
} {
  if (typeof data !== 'object' || data === null || !(TRACE_KEY in data)) {
    return { payload: data, enqueuedIn: undefined }
  }
  const { [TRACE_KEY]: carried, ...payload } = data as Record<string, unknown>
  const enqueuedIn =
    typeof carried === 'object' && carried !== null ? (carried as Record<string, string>) : undefined
  return { payload, enqueuedIn }
}
