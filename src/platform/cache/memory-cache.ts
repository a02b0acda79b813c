import { LRUCache } from 'lru-cache'
import type { Clock } from '../clock.ts'
import type { Cache } from './cache.ts'
import { decodeEntry, encodeEntry, ttlMilliseconds } from './cache-entry.ts'

export interface MemoryCacheOptions {
  /** Least recently used entries are evicted beyond this count. */
  maxEntries: number
  clock: Clock
}

interface Entry {
  /** JSON rather than the object itself: callers mutating what they set or got must not change the cache. */
  json: string
  expiresAt: number
}

/**
 * The default cache of one process. Expiry is kept here against the Clock rather than by lru-cache's
 * TTL, whose time source is performance.now() with a timer-debounced reading: a fixed clock in tests
 * and the system clock in production then mean the same thing.
 */
export function createMemoryCache({ maxEntries, clock }: MemoryCacheOptions): Cache {
  const entries = new LRUCache<string, Entry>({ max: maxEntries })

  return {
    async get<T>(key: string): Promise<T | undefined> {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (clock.now().getTime() >= entry.expiresAt) {
        entries.delete(key)
        return undefined
      }
      return decodeEntry(entry.json) as T
    },

    async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
      const ttl = ttlMilliseconds(ttlSeconds)
      entries.set(key, { json: encodeEntry(value), expiresAt: clock.now().getTime() + ttl })
    },

    async delete(key: string): Promise<void> {
      entries.delete(key)
    },

    async deleteByPrefix(prefix: string): Promise<void> {
      // Collected first: deleting while lru-cache iterates its own list is not safe.
      const matching = [...entries.keys()].filter((key) => key.startsWith(prefix))
      for (const key of matching) entries.delete(key)
    },
  }
}
