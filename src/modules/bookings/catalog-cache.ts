import { randomUUID } from 'node:crypto'
import type { Cache } from '../../platform/cache/index.ts'
import type { Logger } from '../../platform/telemetry/logger.ts'

const SEARCHES = 'bookings:hotels'
const roomsOf = (hotelId: number) => `bookings:rooms:${hotelId}`
/** A generation outlives every entry made under it, so an entry never outlives its generation. */
const GENERATION_TTL_FACTOR = 10

/**
 * Hotel searches and room lists, cached briefly through the Cache port. Availability shown from the
 * cache is at most `ttlSeconds` old, and every booking, cancellation or change to a hotel or room
 * purges what it affects as soon as it commits; the booking itself is always decided on the database.
 *
 * Entries are keyed under a generation (one for all searches, one per hotel's room lists): a purge
 * starts a new generation in one write, instead of finding and deleting every entry, and the entries
 * of the old one are never read again and expire with their TTL.
 */
export function createCatalogCache(cache: Cache, logger: Logger, ttlSeconds: number) {
  async function generation(scope: string): Promise<string> {
    const current = await cache.get<string>(`${scope}:generation`)
    if (current !== undefined) return current
    // Absent (first use, evicted or expired): a new one, which at worst makes a few extra misses.
    return renew(scope)
  }

  async function renew(scope: string): Promise<string> {
    const next = randomUUID()
    await cache.set(`${scope}:generation`, next, ttlSeconds * GENERATION_TTL_FACTOR)
    return next
  }

  async function cached<T>(scope: string, parts: readonly unknown[], load: () => Promise<T>): Promise<T> {
    const key = `${scope}:${await generation(scope)}:${JSON.stringify(parts)}`
    const hit = await cache.get<T>(key)
    if (hit !== undefined) return hit
    const value = await load()
    await cache.set(key, value, ttlSeconds)
    return value
  }

  return {
    search: <T>(parts: readonly unknown[], load: () => Promise<T>) => cached(SEARCHES, parts, load),
    rooms: <T>(hotelId: number, parts: readonly unknown[], load: () => Promise<T>) =>
      cached(roomsOf(hotelId), parts, load),

    /**
     * After a change to `hotelId` (its rooms, their bookings) committed: every search (any of them may
     * list the hotel) and the hotel's room lists. Done right after the commit rather than by a job, so
     * the next request already sees the change; if the cache cannot be reached the entries still
     * expire within the TTL, which bounds how stale a listing can be.
     */
    async purge(hotelId: number): Promise<void> {
      try {
        await Promise.all([renew(SEARCHES), renew(roomsOf(hotelId))])
      } catch (error) {
        logger.warn({ err: error, hotelId }, 'could not purge the hotel cache; entries expire with their TTL')
      }
    },
  }
}

export type CatalogCache = ReturnType<typeof createCatalogCache>
