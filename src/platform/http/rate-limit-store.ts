import type {
  FastifyRateLimitOptions,
  FastifyRateLimitStore,
  FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit'
import type { Redis } from 'ioredis'
import type { RedisFallback } from '../cache/redis.ts'

/**
 * Rate-limit counters shared by every API process through Redis, which fall back to counting in the
 * process while Redis is unreachable: the limit then holds per process (N processes let up to N times
 * the limit through) instead of failing every limited request, or letting every one through.
 */

interface Count {
  current: number
  /** Milliseconds until the window ends. */
  ttl: number
}

/** One window per key: the first request starts it and sets its expiry, in one atomic step. */
const COUNT_IN_WINDOW = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { current, redis.call('PTTL', KEYS[1]) }
`

/** Keys counted in the process at most (clients' addresses × limited routes); the oldest go first. */
const MAX_LOCAL_KEYS = 10_000

async function countInRedis(redis: Redis, key: string, windowMs: number): Promise<Count> {
  const [current, ttl] = (await redis.eval(COUNT_IN_WINDOW, 1, key, String(windowMs))) as [number, number]
  return { current, ttl: ttl > 0 ? ttl : windowMs }
}

/** Fixed windows in process memory, on a monotonic clock (a wall clock set back would reopen windows). */
export function localCounter(maxKeys = MAX_LOCAL_KEYS) {
  const windows = new Map<string, { current: number; endsAt: number }>()
  return (key: string, windowMs: number): Count => {
    const now = performance.now()
    let window = windows.get(key)
    if (!window || window.endsAt <= now) {
      windows.delete(key)
      if (windows.size >= maxKeys) {
        const oldest = windows.keys().next()
        if (!oldest.done) windows.delete(oldest.value)
      }
      window = { current: 0, endsAt: now + windowMs }
      windows.set(key, window)
    }
    window.current += 1
    return { current: window.current, ttl: Math.ceil(window.endsAt - now) }
  }
}

/** What @fastify/rate-limit hands a route's store at run time (its typings name it differently). */
interface RouteParams {
  routeInfo?: { method?: string | string[]; url?: string }
}

/** The store class for @fastify/rate-limit: keys under `namespace`, one key space per limited route. */
export function sharedRateLimitStore(
  redis: Redis,
  namespace: string,
  fallback: RedisFallback,
): FastifyRateLimitStoreCtor {
  const countLocally = localCounter()

  class SharedStore implements FastifyRateLimitStore {
    readonly #prefix: string

    constructor(_options: FastifyRateLimitOptions, prefix = namespace) {
      this.#prefix = prefix
    }

    incr(key: string, callback: (error: Error | null, result?: Count) => void, timeWindow: number): void {
      const counted = this.#prefix + key
      fallback
        .attempt(
          () => countInRedis(redis, counted, timeWindow),
          () => countLocally(counted, timeWindow),
        )
        .then(
          (count) => {
            callback(null, count)
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)))
          },
        )
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const { routeInfo } = routeOptions as unknown as RouteParams
      const method = routeInfo?.method ?? ''
      const route = `${Array.isArray(method) ? method.join(',') : method}${routeInfo?.url ?? ''}`
      return new SharedStore({}, `${this.#prefix}${route}-`)
    }
  }
  return SharedStore
}
