import type { Redis } from 'ioredis'
import type { Config } from '../../config.ts'
import type { Clock } from '../clock.ts'
import type { Cache } from './cache.ts'
import { createMemoryCache } from './memory-cache.ts'
import { createRedisCache } from './redis-cache.ts'

export type { Cache } from './cache.ts'

/** Redis when the platform has a client (REDIS_URL set), so replicas share entries; in-process otherwise. */
export function createCache(
  config: Pick<Config, 'cacheMaxEntries' | 'redisPrefix'>,
  redis: Redis | undefined,
  clock: Clock,
): Cache {
  return redis
    ? createRedisCache(redis, { prefix: config.redisPrefix })
    : createMemoryCache({ maxEntries: config.cacheMaxEntries, clock })
}
