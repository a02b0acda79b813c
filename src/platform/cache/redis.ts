import { Redis } from 'ioredis'

/**
 * A Redis connection tuned for request paths: a short connect timeout and one retry per command, so
 * a Redis outage fails fast (and shows on /ready) instead of stalling requests.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    lazyConnect: false,
  })
}
