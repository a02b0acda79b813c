import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { localCounter } from './rate-limit-store.ts'

const MINUTE = 60_000

describe('the in-process rate-limit counter (while Redis is unreachable)', () => {
  it('counts the requests of one key within its window', () => {
    const count = localCounter()
    assert.deepEqual([count('login-1.2.3.4', MINUTE).current, count('login-1.2.3.4', MINUTE).current], [1, 2])
  })

  it('counts each key apart', () => {
    const count = localCounter()
    count('login-1.2.3.4', MINUTE)
    assert.equal(count('login-5.6.7.8', MINUTE).current, 1)
  })

  it('says how long the window has left, never more than the window', () => {
    const { ttl } = localCounter()('login-1.2.3.4', MINUTE)
    assert.ok(ttl > 0 && ttl <= MINUTE, `ttl was ${ttl}`)
  })

  it('beyond its size, forgets the key counted longest ago', () => {
    const count = localCounter(2)
    count('a', MINUTE)
    count('b', MINUTE)
    count('c', MINUTE)
    assert.deepEqual([count('b', MINUTE).current, count('a', MINUTE).current], [2, 1])
  })
})
