import { Redis } from 'ioredis'
import type { Logger } from '../telemetry/logger.ts'

/** Longest wait between two attempts to reconnect, so Redis is used again within a second of its return. */
const MAX_RECONNECT_DELAY_MS = 1000

/**
 * A Redis connection tuned for request paths: a short connect and command timeout and one retry per
 * command, so a Redis outage fails fast instead of stalling requests.
 *
 * Until the first connection is made (or fails), commands wait for it (a process starting up). After
 * that, a command sent while Redis is unreachable fails at once rather than waiting in ioredis's queue for a
 * reconnection: callers then fall back (see `redisFallback`) in microseconds, not seconds.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    enableAutoPipelining: true,
    lazyConnect: false,
  })
  const failFast = () => {
    redis.options.enableOfflineQueue = false
  }
  redis.once('ready', failFast)
  // A process started while Redis is down must not wait on it for every command either.
  redis.once('error', failFast)
  return redis
}

/** How a feature backed by Redis carries on while Redis is unreachable. */
export interface RedisFallback {
  /** `work`'s result; `fallback()`'s when Redis fails it. */
  attempt<T>(work: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T>
}

/**
 * Runs Redis work with a fallback, and logs the outage once when it begins (warn) and once when it
 * ends (info) — not once per request, which would flood the logs exactly when they matter.
 */
export function redisFallback(logger: Logger, feature: string, meanwhile: string): RedisFallback {
  let unreachable = false
  return {
    async attempt(work, fallback) {
      let result
      try {
        result = await work()
      } catch (error) {
        if (!unreachable) {
          unreachable = true
          logger.warn({ err: error, feature }, `redis unreachable: ${meanwhile}`)
        }
        return fallback()
      }
      if (unreachable) {
        unreachable = false
        logger.info({ feature }, 'redis reachable again')
      }
      return result
    },
  }
}
