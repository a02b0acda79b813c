/**
 * A shared cache of JSON values: in-process LRU by default, Redis when REDIS_URL is set (so every
 * replica sees the same entries and purges).
 */
export interface Cache {
  /** A copy of the value as JSON carried it (a Date comes back as a string); undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>
  /**
   * Stores a JSON copy: changing `value` afterwards does not change the entry. `ttlSeconds` must be
   * positive (fractions allowed); a value without a JSON form (undefined, a function) is refused.
   */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>
  delete(key: string): Promise<void>
  /** Deletes every entry whose key starts with `prefix`. */
  deleteByPrefix(prefix: string): Promise<void>
}
