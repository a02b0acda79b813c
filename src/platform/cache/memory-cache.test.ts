import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fixedClock } from '../clock.ts'
import { cacheContract } from './cache.contract.ts'
import { createCache } from './index.ts'
import { createMemoryCache } from './memory-cache.ts'
import { createLogger } from '../telemetry/logger.ts'

const START = '2026-01-01T00:00:00Z'

cacheContract('memory cache', () => {
  const clock = fixedClock(START)
  return {
    cache: createMemoryCache({ maxEntries: 10_000, clock }),
    elapse: async (milliseconds) => {
      clock.advance(milliseconds)
    },
  }
})

describe('memory cache', () => {
  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = createMemoryCache({ maxEntries: 3, clock: fixedClock(START) })
    await cache.set('a', 'a', 60)
    await cache.set('b', 'b', 60)
    await cache.set('c', 'c', 60)
    await cache.get('a')
    await cache.set('d', 'd', 60)
    assert.equal(await cache.get('b'), undefined)
    assert.deepEqual([await cache.get('a'), await cache.get('c'), await cache.get('d')], ['a', 'c', 'd'])
  })

  it('serves an entry until the last millisecond of its TTL', async () => {
    const clock = fixedClock(START)
    const cache = createMemoryCache({ maxEntries: 10, clock })
    await cache.set('key', 'value', 60)
    clock.advance(59_999)
    assert.equal(await cache.get('key'), 'value')
  })

  it('drops an entry as soon as its TTL has passed', async () => {
    const clock = fixedClock(START)
    const cache = createMemoryCache({ maxEntries: 10, clock })
    await cache.set('key', 'value', 60)
    clock.advance(60_000)
    assert.equal(await cache.get('key'), undefined)
  })

  it('createCache keeps entries in process, on the given clock, without a Redis client', async () => {
    const clock = fixedClock(START)
    const cache = createCache(
      { cacheMaxEntries: 10, redisPrefix: 'unused:' },
      undefined,
      clock,
      createLogger({ logLevel: 'silent' }),
    )
    await cache.set('key', 'value', 60)
    assert.equal(await cache.get('key'), 'value')
    clock.advance(60_000)
    assert.equal(await cache.get('key'), undefined)
  })
})
