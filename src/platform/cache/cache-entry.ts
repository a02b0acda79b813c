/*
 * What every Cache adapter does the same way, so the memory and Redis caches cannot drift apart:
 * values travel as JSON, and a TTL is a positive number of seconds (fractions allowed).
 */

/** Serialises a value; refuses one JSON cannot carry, rather than caching something get() can't return. */
export function encodeEntry(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined
  if (json === undefined)
    throw new TypeError('A cached value must have a JSON form (got undefined or a function).')
  return json
}

/** Unknown on purpose: the caller of get<T> names the type it stored under that key; nothing checks it. */
export function decodeEntry(json: string): unknown {
  return JSON.parse(json)
}

/**
 * Rounds up to whole milliseconds so an entry never lives shorter than asked. Zero is refused: Redis
 * rejects it and lru-cache reads it as "forever", so neither meaning would be portable.
 */
export function ttlMilliseconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`A cache TTL must be a positive number of seconds (got ${ttlSeconds}).`)
  }
  return Math.ceil(ttlSeconds * 1000)
}
