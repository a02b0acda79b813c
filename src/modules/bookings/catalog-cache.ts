import type { Cache } from '../../platform/cache/index.ts'
import type { Logger } from '../../platform/telemetry/logger.ts'

const SEARCHES = 'bookings:hotels:'
const roomsOf = (hotelId: number) => `bookings:rooms:${hotelId}:`

/**
 * Hotel searches and room lists, cached briefly through the Cache port. Availability shown from the
 * cache is at most `ttlSeconds` old, and every booking, cancellation or change to a hotel or room
 * purges what it affects as soon as it commits; the booking itself is always decided on the database.
 */
export function createCatalogCache(cache: Cache, logger: Logger, ttlSeconds: number) {
  async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = await cache.get<T>(key)
    if (hit !== undefined) return hit
    const value = await load()
    await cache.set(key, value, ttlSeconds)
    return value
  }

  return {
    search: <T>(parts: readonly unknown[], load: () => Promise<T>) =>
      cached(`${SEARCHES}${JSON.stringify(parts)}`, load),
    rooms: <T>(hotelId: number, parts: readonly unknown[], load: () => Promise<T>) =>
      cached(`${roomsOf(hotelId)}${JSON.stringify(parts)}`, load),

    /**
     * After a change to `hotelId` (its rooms, their bookings) committed: every search (any of them may
     * list the hotel) and the hotel's room lists. Done right after the commit rather than by a job, so
     * the next request already sees the change; if the cache cannot be reached the entries still
     * expire within the TTL, which bounds how stale a listing can be.
     */
    async purge(hotelId: number): Promise<void> {
      try {
        await Promise.all([cache.deleteByPrefix(SEARCHES), cache.deleteByPrefix(roomsOf(hotelId))])
      } catch (error) {
        logger.warn({ err: error, hotelId }, 'could not purge the hotel cache; entries expire with their TTL')
      }
    },
  }
}

export type CatalogCache = ReturnType<typeof createCatalogCache>
