import autocannon from 'autocannon'

export type ScenarioKind = 'list' | 'read' | 'write' | 'import' | 'login' | 'bookings' | 'ledger' | 'stats'

/** One HTTP request of a scenario; each call of `next` may give a different one. */
export interface Call {
  path: string
  headers: Record<string, string>
  body?: string
}

export interface Scenario {
  name: string
  method: 'GET' | 'POST'
  next(): Call
  /** How many more distinct requests the scenario can make, when that is limited (one per payment). */
  remaining?(): number
}

export interface LoadResult {
  requestsPerSecond: number
  requests: number
  p50Ms: number
  p99Ms: number
  non2xx: number
  errors: number
  timeouts: number
  seconds: number
  /** True when the scenario ran out of distinct requests before the time was up. */
  exhausted: boolean
}

/**
 * Sends one request outside the measurement and requires a 2xx, so a scenario that would only
 * measure errors fails loudly, with the server's answer.
 */
export async function probe(baseUrl: string, scenario: Scenario): Promise<void> {
  const call = scenario.next()
  const response = await fetch(`${baseUrl}${call.path}`, {
    method: scenario.method,
    headers: call.headers,
    ...(call.body === undefined ? {} : { body: call.body }),
    signal: AbortSignal.timeout(30_000),
  })
  if (!response.ok) {
    throw new Error(
      `${scenario.name}: ${scenario.method} ${call.path} answered ${response.status}: ${await response.text()}`,
    )
  }
}

/** Drives the scenario with autocannon for `seconds` (or until its supply runs out). */
export async function drive(
  baseUrl: string,
  scenario: Scenario,
  options: { connections: number; seconds: number; maxRequests?: number },
): Promise<LoadResult> {
  const first = scenario.next()
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    method: scenario.method,
    ...(options.maxRequests === undefined ? {} : { maxOverallRequests: options.maxRequests }),
    requests: [
      {
        method: scenario.method,
        path: first.path,
        headers: first.headers,
        ...(first.body === undefined ? {} : { body: first.body }),
        setupRequest: (request) => {
          const call = scenario.next()
          return {
            ...request,
            path: call.path,
            headers: call.headers,
            ...(call.body === undefined ? {} : { body: call.body }),
          }
        },
      },
    ],
  })
  const requests = result.requests.total
  return {
    requestsPerSecond: result.duration > 0 ? requests / result.duration : 0,
    requests,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    exhausted: options.maxRequests !== undefined && requests >= options.maxRequests,
  }
}

/** POST /api/token/ → the access token. */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  })
  if (!response.ok) throw new Error(`Login of ${email} answered ${response.status}: ${await response.text()}`)
  const { access } = (await response.json()) as { access: string }
  return access
}
