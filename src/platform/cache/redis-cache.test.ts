import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { fixedClock } from '../clock.ts'
import { cacheContract } from './cache.contract.ts'
import { createCache } from './index.ts'
import { createRedisCache } from './redis-cache.ts'
import { connectRedis, type RedisFallback } from './redis.ts'
import { createLogger } from '../telemetry/logger.ts'

/** Against a working Redis, a failure is a defect to see, not an outage to ride out. */
const failLoudly: RedisFallback = { attempt: (work) => work() }
const silentLogger = createLogger({ logLevel: 'silent' })

const url = process.env.TEST_REDIS_URL

describe('redis cache', { skip: url ? false : 'TEST_REDIS_URL not set' }, () => {
  // Every prefix of this run lives under one random root, so runs in parallel never meet and cleanup
  // can find every key without trusting the code under test.
  const root = `bureau-test:${randomUUID()}:`
  let redis: Redis
  let caches = 0
  const nextPrefix = () => `${root}${++caches}:`

  before(() => {
    redis = connectRedis(url ?? '')
  })

  after(async () => {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 1000)
      if (keys.length > 0) await redis.unlink(keys)
      cursor = next
    } while (cursor !== '0')
    await redis.quit()
  })

  cacheContract('redis cache', () => ({
    cache: createRedisCache(redis, { prefix: nextPrefix(), fallback: failLoudly }),
    // Redis expires keys on its own clock; the contract's waits are short.
    elapse: async (milliseconds) => {
      await sleep(milliseconds)
    },
  }))

  it('set gives the key a Redis expiry of at most the TTL', async () => {
    const prefix = nextPrefix()
    await createRedisCache(redis, { prefix, fallback: failLoudly }).set('key', 'value', 30)
    const pttl = await redis.pttl(`${prefix}cache:key`)
    assert.ok(pttl > 0 && pttl <= 30_000, `PTTL was ${pttl}`)
  })

  it('stores entries as JSON under `${prefix}cache:`', async () => {
    const prefix = nextPrefix()
    await createRedisCache(redis, { prefix, fallback: failLoudly }).set('hotel', { name: 'Hotel Mar' }, 60)
    assert.equal(await redis.get(`${prefix}cache:hotel`), '{"name":"Hotel Mar"}')
  })

  it('deleteByPrefix leaves keys outside the cache namespace', async () => {
    const prefix = nextPrefix()
    await redis.set(`${prefix}ratelimit:login`, '3')
    await createRedisCache(redis, { prefix, fallback: failLoudly }).deleteByPrefix('')
    assert.equal(await redis.get(`${prefix}ratelimit:login`), '3')
  })

  it('deleteByPrefix takes glob characters in REDIS_PREFIX literally', async () => {
    const prefix = `${nextPrefix()}[ab]*:`
    const neighbour = prefix.replace('[ab]*', 'a')
    await createRedisCache(redis, { prefix: neighbour, fallback: failLoudly }).set('key', 'kept', 60)
    await createRedisCache(redis, { prefix, fallback: failLoudly }).deleteByPrefix('')
    assert.equal(await redis.get(`${neighbour}cache:key`), '"kept"')
  })

  it('createCache stores entries in Redis when a client is given', async () => {
    const prefix = nextPrefix()
    const cache = createCache(
      { cacheMaxEntries: 10, redisPrefix: prefix },
      redis,
      fixedClock('2026-01-01'),
      silentLogger,
    )
    await cache.set('key', 'value', 60)
    assert.equal(await redis.get(`${prefix}cache:key`), '"value"')
  })
})
