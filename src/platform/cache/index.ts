import type { Redis } from 'ioredis'
import type { Config } from '../../config.ts'
import type { Clock } from '../clock.ts'
import type { Cache } from './cache.ts'
import { createMemoryCache } from './memory-cache.ts'
import { createRedisCache } from './redis-cache.ts'
import { redisFallback } from './redis.ts'
import type { Logger } from '../telemetry/logger.ts'

export type { Cache } from './cache.ts'

/**
 * Redis when the platform has a client (REDIS_URL set), so replicas share entries; in-process
 * otherwise. While Redis is unreachable the Redis cache misses (see createRedisCache).
 */
export function createCache(
  config: Pick<Config, 'cacheMaxEntries' | 'redisPrefix'>,
  redis: Redis | undefined,
  clock: Clock,
  logger: Logger,
): Cache {
  return redis
    ? createRedisCache(redis, {
        prefix: config.redisPrefix,
        fallback: redisFallback(logger, 'cache', 'the cache is bypassed until it returns'),
      })
    : createMemoryCache({ maxEntries: config.cacheMaxEntries, clock })
}
