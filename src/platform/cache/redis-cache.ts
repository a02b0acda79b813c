import type { Redis } from 'ioredis'
import type { Cache } from './cache.ts'
import { decodeEntry, encodeEntry, ttlMilliseconds } from './cache-entry.ts'

export interface RedisCacheOptions {
  /** REDIS_PREFIX: keeps several deployments (or tests) apart on one Redis. */
  prefix: string
}

/** Keys examined per SCAN step and unlinked per UNLINK: big enough to be quick, small enough not to block Redis. */
const SCAN_BATCH = 500

/** The cache shared by every replica. Entries live under `${prefix}cache:` so a purge never touches rate limits. */
export function createRedisCache(redis: Redis, { prefix }: RedisCacheOptions): Cache {
  const namespace = `${prefix}cache:`

  return {
    async get<T>(key: string): Promise<T | undefined> {
      const json = await redis.get(namespace + key)
      return json === null ? undefined : (decodeEntry(json) as T)
    },

    async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
      await redis.set(namespace + key, encodeEntry(value), 'PX', ttlMilliseconds(ttlSeconds))
    },

    async delete(key: string): Promise<void> {
      await redis.unlink(namespace + key)
    },

    // SCAN, never KEYS: KEYS blocks Redis for every client while it walks the whole key space.
    async deleteByPrefix(keyPrefix: string): Promise<void> {
      const pattern = `${escapeGlob(namespace + keyPrefix)}*`
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH)
        // UNLINK frees the memory in the background instead of on Redis's only command thread.
        if (keys.length > 0) await redis.unlink(keys)
        cursor = next
      } while (cursor !== '0')
    },
  }
}

/** A key such as 'hotels:*' must match itself only, not act as a wildcard in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
