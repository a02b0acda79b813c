import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createUser } from './helpers/accounts.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'

/*
 * REDIS_URL names a Redis that cannot be reached (a port where nothing listens): the API serves on,
 * as the README's "Running in production" says — /ready degraded, the cache bypassed, rate limits
 * counted in the process.
 */

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
  return port
}

describe('with Redis unreachable', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({
      env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, LOGIN_RATE_LIMIT_PER_MINUTE: '2' },
    })
  })
  after(() => t.close())

  it('/ready answers 200 "degraded", naming Redis as failed', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/ready' })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), {
      status: 'degraded',
      checks: { database: 'ok', jobs: 'ok', redis: 'failed' },
    })
  })

  it('hotel searches answer from the database, twice alike', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/hotels?location=nowhere' })
    const second = await t.app.inject({ method: 'GET', url: '/api/hotels?location=nowhere' })
    assert.equal(first.statusCode, 200, first.body)
    assert.equal(second.statusCode, 200, second.body)
    assert.deepEqual(second.json(), first.json())
  })

  it('logins are still rate-limited per IP, counted in the process', async () => {
    const user = await createUser(t)
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/token/',
        payload: { email: user.email, password: user.password },
      })
    assert.equal((await attempt()).statusCode, 200)
    assert.equal((await attempt()).statusCode, 200)
    const limited = await attempt()
    assert.equal(limited.statusCode, 429, limited.body)
    assert.equal(limited.json<{ code: string }>().code, 'rate_limited')
  })
})
