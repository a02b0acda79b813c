import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../config.ts'
import { createHttpServer, type App } from '../http/server.ts'
import { createLogger } from '../telemetry/logger.ts'
import { openDatabase, type Database } from './database.ts'
import { isDatabaseUnavailable } from './errors.ts'

/** A port on this machine where nothing listens: connections to it are refused at once. */
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

describe('a PostgreSQL pool that cannot connect', () => {
  let database: Database
  let app: App

  before(async () => {
    database = await openDatabase({
      kind: 'postgres',
      url: `postgres://bureau@127.0.0.1:${await closedPort()}/bureau`,
      poolSize: 2,
    })
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(40) })
    app = await createHttpServer({ config, logger: createLogger(config), tags: [] })
    app.get('/reads-the-database', async () => {
      await database.ping()
      return { read: true }
    })
    await app.ready()
  })

  after(async () => {
    await app.close()
    await database.close()
  })

  it('a request that needs it answers 503 problem+json, not 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/reads-the-database' })
    assert.equal(response.statusCode, 503, response.body)
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
    const body = response.json<{ code: string; status: number }>()
    assert.equal(body.code, 'service_unavailable')
    assert.equal(body.status, 503)
  })

  it('the refused connection is recognised as the database being unavailable', async () => {
    const failure = await database.ping().then(
      () => undefined,
      (error: unknown) => error,
    )
    assert.equal(isDatabaseUnavailable(failure), true, String(failure))
  })
})

describe('isDatabaseUnavailable, for node-postgres clients broken by a restart', () => {
  it('recognises a client whose connection was lost between two statements', () => {
    const error = new Error('Client has encountered a connection error and is not queryable')
    assert.equal(isDatabaseUnavailable(error), true)
  })

  it('recognises a pool that found no connection within its timeout', () => {
    assert.equal(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')), true)
  })

  it('does not take a query error for an outage', () => {
    const error = Object.assign(new Error('relation "nothing" does not exist'), { code: '42P01' })
    assert.equal(isDatabaseUnavailable(error), false)
  })
})
