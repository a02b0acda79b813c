import type { Redis } from 'ioredis'
import type { Cache } from './cache.ts'
import { decodeEntry, encodeEntry, ttlMilliseconds } from './cache-entry.ts'
import type { RedisFallback } from './redis.ts'

export interface RedisCacheOptions {
  /** REDIS_PREFIX: keeps several deployments (or tests) apart on one Redis. */
  prefix: string
  /**
   * While Redis is unreachable the cache is empty and forgets what it is given: every read is a
   * miss (callers load from the database) and writes and purges are dropped. Entries written before
   * the outage expire with their TTL, which bounds how stale a missed purge leaves them.
   */
  fallback: RedisFallback
}

/** Keys examined per SCAN step and unlinked per UNLINK: big enough to be quick, small enough not to block Redis. */
const SCAN_BATCH = 500

const nothing = () => undefined

/** The cache shared by every replica. Entries live under `${prefix}cache:` so a purge never touches rate limits. */
export function createRedisCache(redis: Redis, { prefix, fallback }: RedisCacheOptions): Cache {
  const namespace = `${prefix}cache:`

  return {
    async get<T>(key: string): Promise<T | undefined> {
      const json = await fallback.attempt(
        () => redis.get(namespace + key),
        () => null,
      )
      return json === null ? undefined : (decodeEntry(json) as T)
    },

    async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
      // Checked before Redis is asked: a value without a JSON form is the caller's mistake, not an outage.
      const entry = encodeEntry(value)
      const ttl = ttlMilliseconds(ttlSeconds)
      await fallback.attempt(() => redis.set(namespace + key, entry, 'PX', ttl), nothing)
    },

    async delete(key: string): Promise<void> {
      await fallback.attempt(() => redis.unlink(namespace + key), nothing)
    },

    async deleteByPrefix(keyPrefix: string): Promise<void> {
      await fallback.attempt(() => unlinkMatching(redis, `${escapeGlob(namespace + keyPrefix)}*`), nothing)
    },
  }
}

// SCAN, never KEYS: KEYS blocks Redis for every client while it walks the whole key space.
async function unlinkMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH)
    // UNLINK frees the memory in the background instead of on Redis's only command thread.
    if (keys.length > 0) await redis.unlink(keys)
    cursor = next
  } while (cursor !== '0')
}

/** A key such as 'hotels:*' must match itself only, not act as a wildcard in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
