import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Type } from 'typebox'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { loadConfig } from '../../config.ts'
import { createLogger } from '../telemetry/logger.ts'
import { createHttpServer, type App } from './server.ts'

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'x'.repeat(40),
  PUBLIC_URL: 'http://bureau.test',
})

/** Requests the router or the validator used to answer outside the API's error shape, or with a 500. */
describe('requests malformed in ways clients get them wrong', () => {
  let app: App

  before(async () => {
    app = await createHttpServer({ config, logger: createLogger(config), tags: [] })
    const Body = Type.Object({ name: Type.String() }, { additionalProperties: false })
    app.post('/things', { schema: { body: Body } }, async () => ({ ok: true }))
    app.get('/things/:id', async () => ({ ok: true }))
    await app.ready()
  })
  after(() => app.close())

  it('a path with a malformed percent escape is a 400 bad_url problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/things/%E0%A4%A' })
    assertProblem(response, 400, 'bad_url')
  })

  it('a path parameter over the router’s length limit is a 414 uri_too_long problem', async () => {
    const response = await app.inject({ method: 'GET', url: `/things/${'x'.repeat(250)}` })
    assertProblem(response, 414, 'uri_too_long')
  })

  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`an unknown field named "${key}" is reported as unknown, not a 500`, async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json' },
        payload: `{"name":"a","${key}":1}`,
      })
      assert.deepEqual(assertInvalid(response), { [key]: ['Unknown field.'] })
    })
  }
})
