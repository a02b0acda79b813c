import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Cache } from './cache.ts'

/** One cache for one contract test, plus the way to let time pass for it. */
export interface CacheUnderTest {
  readonly cache: Cache
  /** Moves the cache's fixed clock, or waits in real time for a store with its own clock (Redis). */
  readonly elapse: (milliseconds: number) => Promise<void>
}

/** Short enough to wait for in real time; the waits below leave a wide margin so nothing flakes. */
const SHORT_TTL_SECONDS = 0.05
const WELL_AFTER_SHORT_TTL_MS = 150

const ROUND_TRIPS: [string, unknown][] = [
  ['an object', { id: 7, name: 'Hotel Mar', tags: ['sea'], address: { city: 'Porto' } }],
  ['an array', [1, 'two', { three: 3 }, null]],
  ['a string', 'Hotel Mar'],
  ['an empty string', ''],
  ['a number', 984.5],
  ['zero', 0],
  ['true', true],
  ['false', false],
  ['null', null],
]

/**
 * Glob characters a purge must take literally; each case has a key that an unescaped SCAN MATCH pattern
 * would wrongly include (kept) or wrongly miss (removed).
 */
const GLOB_PREFIXES: [string, string, string[], string[]][] = [
  ['*', 'hotels:*:', ['hotels:*:rooms'], ['hotels:7:rooms']],
  ['?', 'rooms?', ['rooms?1'], ['roomsX1']],
  ['[ and ]', 'day[ab]', ['day[ab]1'], ['daya1', 'dayb1']],
  ['\\', 'path\\', ['path\\1'], ['path1']],
]

/**
 * The behaviour every Cache adapter owes its callers. `make` returns a fresh, empty cache each time; two
 * caches from `make` must not see each other's entries.
 */
export function cacheContract(name: string, make: () => CacheUnderTest): void {
  // describe/it return promises the test runner awaits itself; the lint exemption for that covers
  // *.test.ts files only, so `void` says it here.
  void describe(`${name} (Cache contract)`, () => {
    void it('get returns undefined for a key never set', async () => {
      const { cache } = make()
      assert.equal(await cache.get('missing'), undefined)
    })

    for (const [label, value] of ROUND_TRIPS) {
      void it(`get returns ${label} as it was set`, async () => {
        const { cache } = make()
        await cache.set('key', value, 60)
        assert.deepEqual(await cache.get('key'), value)
      })
    }

    void it('a later set replaces the value', async () => {
      const { cache } = make()
      await cache.set('key', { version: 1 }, 60)
      await cache.set('key', { version: 2 }, 60)
      assert.deepEqual(await cache.get('key'), { version: 2 })
    })

    void it('changing an object after set does not change the cached value', async () => {
      const { cache } = make()
      const hotel = { name: 'Hotel Mar', rooms: [1, 2] }
      await cache.set('hotel', hotel, 60)
      hotel.name = 'changed'
      hotel.rooms.push(3)
      assert.deepEqual(await cache.get('hotel'), { name: 'Hotel Mar', rooms: [1, 2] })
    })

    void it('changing a value returned by get does not change the cached value', async () => {
      const { cache } = make()
      await cache.set('hotel', { name: 'Hotel Mar' }, 60)
      const first = await cache.get<{ name: string }>('hotel')
      assert.ok(first)
      first.name = 'changed'
      assert.deepEqual(await cache.get('hotel'), { name: 'Hotel Mar' })
    })

    void it('set refuses a value that has no JSON form', async () => {
      const { cache } = make()
      await assert.rejects(cache.set('key', undefined, 60), TypeError)
      assert.equal(await cache.get('key'), undefined)
    })

    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      void it(`set refuses a TTL of ${ttl} seconds`, async () => {
        const { cache } = make()
        await assert.rejects(cache.set('key', 'value', ttl), RangeError)
        assert.equal(await cache.get('key'), undefined)
      })
    }

    void it('delete removes the entry', async () => {
      const { cache } = make()
      await cache.set('key', 'value', 60)
      await cache.delete('key')
      assert.equal(await cache.get('key'), undefined)
    })

    void it('delete of a key never set succeeds', async () => {
      const { cache } = make()
      await cache.delete('missing')
      assert.equal(await cache.get('missing'), undefined)
    })

    void it('deleteByPrefix removes exactly the keys that start with the prefix', async () => {
      const { cache } = make()
      const removed = ['hotels:1', 'hotels:2:rooms']
      const kept = ['hotels', 'hotel:1', 'rooms:hotels:1']
      for (const key of [...removed, ...kept]) await cache.set(key, key, 60)
      await cache.deleteByPrefix('hotels:')
      for (const key of removed) assert.equal(await cache.get(key), undefined, key)
      for (const key of kept) assert.equal(await cache.get(key), key, key)
    })

    for (const [glob, prefix, removed, kept] of GLOB_PREFIXES) {
      void it(`deleteByPrefix takes ${glob} in the prefix literally`, async () => {
        const { cache } = make()
        for (const key of [...removed, ...kept]) await cache.set(key, key, 60)
        await cache.deleteByPrefix(prefix)
        for (const key of removed) assert.equal(await cache.get(key), undefined, key)
        for (const key of kept) assert.equal(await cache.get(key), key, key)
      })
    }

    void it('deleteByPrefix removes keys beyond one batch', async () => {
      const { cache } = make()
      const keys = Array.from({ length: 1200 }, (_, index) => `search:${index}`)
      await Promise.all(keys.map((key) => cache.set(key, 1, 60)))
      await cache.deleteByPrefix('search:')
      const left = await Promise.all(keys.map((key) => cache.get(key)))
      assert.equal(left.filter((value) => value !== undefined).length, 0)
    })

    void it('deleteByPrefix with nothing matching succeeds and keeps other keys', async () => {
      const { cache } = make()
      await cache.set('hotels:1', 'kept', 60)
      await cache.deleteByPrefix('rooms:')
      assert.equal(await cache.get('hotels:1'), 'kept')
    })

    void it('deleteByPrefix with an empty prefix removes every entry', async () => {
      const { cache } = make()
      await cache.set('hotels:1', 1, 60)
      await cache.set('rooms:1', 1, 60)
      await cache.deleteByPrefix('')
      assert.equal(await cache.get('hotels:1'), undefined)
      assert.equal(await cache.get('rooms:1'), undefined)
    })

    void it('an entry is gone after its TTL', async () => {
      const { cache, elapse } = make()
      await cache.set('key', 'value', SHORT_TTL_SECONDS)
      await elapse(WELL_AFTER_SHORT_TTL_MS)
      assert.equal(await cache.get('key'), undefined)
    })

    void it('a later set replaces the TTL', async () => {
      const { cache, elapse } = make()
      await cache.set('key', 'value', SHORT_TTL_SECONDS)
      await cache.set('key', 'value', 60)
      await elapse(WELL_AFTER_SHORT_TTL_MS)
      assert.equal(await cache.get('key'), 'value')
    })

    void it('two caches do not see each other’s entries', async () => {
      const first = make().cache
      const second = make().cache
      await first.set('key', 'first', 60)
      assert.equal(await second.get('key'), undefined)
    })

    void it('deleteByPrefix on one cache leaves another cache’s entries', async () => {
      const first = make().cache
      const second = make().cache
      await first.set('hotels:1', 'first', 60)
      await second.set('hotels:1', 'second', 60)
      await second.deleteByPrefix('')
      assert.equal(await first.get('hotels:1'), 'first')
    })
  })
}
