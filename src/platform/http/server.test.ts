import assert from 'node:assert/strict'
import { STATUS_CODES } from 'node:http'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import { Type } from 'typebox'
import { loadConfig } from '../../config.ts'
import { AppError, invalidFields, unauthenticated, type ErrorKind } from '../errors.ts'
import { createLogger } from '../telemetry/logger.ts'
import type { Actor } from './actor.ts'
import { actorOf, createGuards } from './guards.ts'
import type { Problem } from './problem.ts'
import { createHttpServer, type App } from './server.ts'

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'x'.repeat(40),
  PUBLIC_URL: 'http://bureau.test',
  BODY_LIMIT: '2048',
  CORS_ORIGINS: 'https://console.example',
})

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
}

/** Bearer tokens the fake resolver knows; any other token is rejected as the real one would. */
const ACTORS: Record<string, Actor> = {
  'admin-token': { userId: 1, roles: ['admin'], sessionId: 'session-admin' },
  'operator-token': { userId: 2, roles: ['operator'], sessionId: 'session-operator' },
}

const Thing = Type.Object(
  {
    name: Type.String({ maxLength: 5 }),
    count: Type.Integer(),
    address: Type.Object(
      { city: Type.String(), postal_code: Type.String() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

const VALID_THING = { name: 'desk', count: 2, address: { city: 'Recife', postal_code: '50000' } }

/** Test routes on a bare server with every platform convention, registered before it is ready. */
function registerTestRoutes(app: App): void {
  const guards = createGuards(async (token) => {
    const actor = ACTORS[token]
    if (!actor) throw unauthenticated('token_not_valid', 'Given token not valid for any token type.')
    return actor
  })

  app.post('/things', { schema: { body: Thing } }, async (request, reply) =>
    reply.code(201).send(request.body),
  )
  app.get(
    '/items',
    {
      schema: {
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ minLength: 1 })),
            page: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ query: request.query }),
  )
  app.post(
    '/admin-only',
    {
      preHandler: [guards.authenticate, guards.requireRole('admin')],
      schema: { body: Type.Object({ n: Type.Integer() }, { additionalProperties: false }) },
    },
    async (request) => ({ user: actorOf(request).userId }),
  )
  app.get('/fail/:kind', { schema: { params: Type.Object({ kind: Type.String() }) } }, async (request) => {
    const kind = request.params.kind as ErrorKind
    throw new AppError(kind, `example_${kind}`, `An example of ${kind}.`)
  })
  app.get('/field-errors', async () => {
    throw invalidFields({ due_date: ['Due date cannot be in the past.'] })
  })
  app.get('/retry-later', async () => {
    throw new AppError('rate_limited', 'too_many_attempts', 'Too many attempts.', { retryAfterSeconds: 30 })
  })
  app.get('/limited', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => ({ ok: true }))
  app.get('/boom', async () => {
    throw new Error('secret internals: password=hunter2')
  })
  app.get('/database-down', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
  })
  app.get('/without-slash', async () => ({ ok: true }))
  app.get('/with-slash/', async () => ({ ok: true }))
  app.get('/request-id', async (request) => ({ id: request.id }))
}

/** Asserts the one error shape of the API and returns its body. */
function assertProblem(response: LightMyRequestResponse, status: number, code: string): Problem {
  assert.equal(response.statusCode, status, response.body)
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = response.json<Problem>()
  assert.equal(body.type, 'about:blank')
  assert.equal(body.title, STATUS_CODES[status])
  assert.equal(body.status, status)
  assert.equal(body.code, code)
  assert.equal(typeof body.detail, 'string')
  assert.notEqual(body.detail, '')
  assert.equal(body.request_id, response.headers['x-request-id'])
  return body
}

describe('the HTTP server', () => {
  let app: App
  before(async () => {
    app = await createHttpServer({ config, logger: createLogger(config), tags: [] })
    registerTestRoutes(app)
    await app.ready()
  })
  after(() => app.close())

  describe('validation failures', () => {
    it('are 400 validation_failed problems with field errors', async () => {
      const response = await app.inject({ method: 'POST', url: '/things', payload: {} })
      const body = assertProblem(response, 400, 'validation_failed')
      assert.equal(body.detail, 'Invalid request.')
      assert.equal(typeof body.errors, 'object')
    })

    it('refuse a null character (U+0000) in a body, with the field it is in', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        payload: { ...VALID_THING, address: { city: 'Re\u0000cife', postal_code: '50000' } },
      })
      assertProblem(response, 400, 'validation_failed')
      assert.deepEqual(response.json<Problem>().errors, {
        'address.city': ['Null characters (\\u0000) are not allowed.'],
      })
    })

    it('refuse a null character (U+0000) in a query string', async () => {
      const response = await app.inject({ method: 'GET', url: '/items?q=%00' })
      assertProblem(response, 400, 'validation_failed')
      assert.deepEqual(Object.keys(response.json<Problem>().errors ?? {}), ['q'])
    })

    it('report a missing field as "This field is required."', async () => {
      const response = await app.inject({ method: 'POST', url: '/things', payload: {} })
      assert.deepEqual(response.json<Problem>().errors, {
        name: ['This field is required.'],
        count: ['This field is required.'],
        address: ['This field is required.'],
      })
    })

    it('name a nested field by its path, as "a.b"', async () => {
      const payload = { ...VALID_THING, address: { city: 'Recife' } }
      const response = await app.inject({ method: 'POST', url: '/things', payload })
      assert.deepEqual(response.json<Problem>().errors, {
        'address.postal_code': ['This field is required.'],
      })
    })

    it('report an unknown field as "Unknown field.", at any depth', async () => {
      const payload = { ...VALID_THING, colour: 'red', address: { ...VALID_THING.address, floor: 2 } }
      const response = await app.inject({ method: 'POST', url: '/things', payload })
      assert.deepEqual(response.json<Problem>().errors, {
        colour: ['Unknown field.'],
        'address.floor': ['Unknown field.'],
      })
    })

    it('name the expected type of a value of the wrong type', async () => {
      const payload = { name: 5, count: 1.5, address: 'Recife' }
      const response = await app.inject({ method: 'POST', url: '/things', payload })
      assert.deepEqual(response.json<Problem>().errors, {
        name: ['Not a valid string.'],
        count: ['A valid integer is required.'],
        address: ['Expected an object.'],
      })
    })

    it('state the limit a too-long string breaks', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        payload: { ...VALID_THING, name: 'wardrobe' },
      })
      assert.deepEqual(response.json<Problem>().errors, {
        name: ['Ensure this field has no more than 5 characters.'],
      })
    })

    it('list every invalid field at once', async () => {
      const payload = { name: 'wardrobe', count: 'many', address: { city: 1 }, colour: 'red' }
      const response = await app.inject({ method: 'POST', url: '/things', payload })
      assert.deepEqual(Object.keys(response.json<Problem>().errors ?? {}).sort(), [
        'address.city',
        'address.postal_code',
        'colour',
        'count',
        'name',
      ])
    })

    it('do not coerce JSON bodies: "5" for an integer is a 400', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        payload: { ...VALID_THING, count: '5' },
      })
      assert.deepEqual(assertProblem(response, 400, 'validation_failed').errors, {
        count: ['A valid integer is required.'],
      })
    })

    it('accept a valid body', async () => {
      const response = await app.inject({ method: 'POST', url: '/things', payload: VALID_THING })
      assert.equal(response.statusCode, 201)
      assert.deepEqual(response.json(), VALID_THING)
    })
  })

  describe('bodies the server cannot read', () => {
    it('a body that is not JSON is a 400 malformed_json', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json' },
        payload: '{"name": "desk",',
      })
      assertProblem(response, 400, 'malformed_json')
    })

    it('a body larger than BODY_LIMIT is a 413 payload_too_large', async () => {
      const payload = { ...VALID_THING, name: 'x'.repeat(3000) }
      assertProblem(await app.inject({ method: 'POST', url: '/things', payload }), 413, 'payload_too_large')
    })

    it('a text/plain body to a JSON route is a 415 unsupported_media_type', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'text/plain' },
        payload: 'name=desk',
      })
      assertProblem(response, 415, 'unsupported_media_type')
    })
  })

  describe('authentication and roles', () => {
    it('a request without a bearer token is a 401 not_authenticated', async () => {
      const response = await app.inject({ method: 'POST', url: '/admin-only', payload: { n: 1 } })
      assertProblem(response, 401, 'not_authenticated')
    })

    it('a 401 names the Bearer scheme in WWW-Authenticate', async () => {
      const response = await app.inject({ method: 'POST', url: '/admin-only', payload: { n: 1 } })
      assert.match(String(response.headers['www-authenticate']), /^Bearer\b/)
    })

    it('a token the resolver rejects is a 401 with the resolver’s code', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin-only',
        headers: { authorization: 'Bearer forged' },
        payload: { n: 1 },
      })
      assertProblem(response, 401, 'token_not_valid')
    })

    it('an actor without the required role is a 403 forbidden', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin-only',
        headers: { authorization: 'Bearer operator-token' },
        payload: { n: 1 },
      })
      assertProblem(response, 403, 'forbidden')
    })

    it('an actor with the required role reaches the handler', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin-only',
        headers: { authorization: 'Bearer admin-token' },
        payload: { n: 1 },
      })
      assert.equal(response.statusCode, 200)
      assert.deepEqual(response.json(), { user: 1 })
    })

    it('authentication is checked before the request is validated (401, not 400)', async () => {
      const response = await app.inject({ method: 'POST', url: '/admin-only', payload: { n: 'one' } })
      assertProblem(response, 401, 'not_authenticated')
    })

    it('the role is checked before the request is validated (403, not 400)', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin-only',
        headers: { authorization: 'Bearer operator-token' },
        payload: { n: 'one' },
      })
      assertProblem(response, 403, 'forbidden')
    })

    it('the body of an unauthenticated request is not read (401, not 413)', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin-only',
        payload: { n: 'x'.repeat(3000) },
      })
      assertProblem(response, 401, 'not_authenticated')
    })
  })

  describe('errors thrown by services', () => {
    for (const [kind, status] of Object.entries(STATUS_OF_KIND)) {
      it(`an AppError of kind ${kind} is a ${status} with its code and message`, async () => {
        const response = await app.inject({ method: 'GET', url: `/fail/${kind}` })
        const body = assertProblem(response, status, `example_${kind}`)
        assert.equal(body.detail, `An example of ${kind}.`)
      })
    }

    it('an AppError with field errors carries them under errors', async () => {
      const response = await app.inject({ method: 'GET', url: '/field-errors' })
      assert.deepEqual(assertProblem(response, 400, 'validation_failed').errors, {
        due_date: ['Due date cannot be in the past.'],
      })
    })

    it('a rate-limited AppError tells the client when to retry', async () => {
      const response = await app.inject({ method: 'GET', url: '/retry-later' })
      assertProblem(response, 429, 'too_many_attempts')
      assert.equal(response.headers['retry-after'], '30')
    })

    it('an unexpected error is a 500 that hides its message and quotes the request id', async () => {
      const response = await app.inject({ method: 'GET', url: '/boom' })
      const body = assertProblem(response, 500, 'internal_error')
      assert.doesNotMatch(body.detail, /secret|hunter2/)
      assert.ok(body.detail.includes(body.request_id), body.detail)
    })

    it('a database that cannot be reached is a 503 service_unavailable', async () => {
      const body = assertProblem(
        await app.inject({ method: 'GET', url: '/database-down' }),
        503,
        'service_unavailable',
      )
      assert.doesNotMatch(body.detail, /ECONNREFUSED|5432/)
    })
  })

  describe('rate limits', () => {
    it('a route over its rate limit answers 429 rate_limited with Retry-After', async () => {
      assert.equal((await app.inject({ method: 'GET', url: '/limited' })).statusCode, 200)
      const response = await app.inject({ method: 'GET', url: '/limited' })
      assertProblem(response, 429, 'rate_limited')
      assert.match(String(response.headers['retry-after']), /^\d+$/)
    })
  })

  describe('routing', () => {
    it('an unknown path is a 404 not_found', async () => {
      assertProblem(await app.inject({ method: 'GET', url: '/nowhere' }), 404, 'not_found')
    })

    it('a known path with another method is a 405 listing the allowed methods in Allow', async () => {
      const response = await app.inject({ method: 'DELETE', url: '/things' })
      assertProblem(response, 405, 'method_not_allowed')
      const allowed = String(response.headers.allow).split(', ')
      assert.ok(allowed.includes('POST'), String(response.headers.allow))
      assert.ok(!allowed.includes('DELETE') && !allowed.includes('GET'), String(response.headers.allow))
    })

    it('a route registered without a trailing slash also answers with one', async () => {
      assert.equal((await app.inject({ method: 'GET', url: '/without-slash/' })).statusCode, 200)
    })

    it('a route registered with a trailing slash also answers without one', async () => {
      assert.equal((await app.inject({ method: 'GET', url: '/with-slash' })).statusCode, 200)
    })
  })

  describe('query strings', () => {
    it('an empty query parameter counts as not given', async () => {
      const response = await app.inject({ method: 'GET', url: '/items?q=&page=' })
      assert.equal(response.statusCode, 200, response.body)
      assert.deepEqual(response.json(), { query: {} })
    })

    it('query parameters are coerced to their declared types', async () => {
      const response = await app.inject({ method: 'GET', url: '/items?page=2' })
      assert.deepEqual(response.json(), { query: { page: 2 } })
    })

    it('a query parameter that is not of its type is a 400 naming the parameter', async () => {
      const response = await app.inject({ method: 'GET', url: '/items?page=two' })
      assert.deepEqual(assertProblem(response, 400, 'validation_failed').errors, {
        page: ['A valid integer is required.'],
      })
    })
  })

  describe('request ids', () => {
    it('a well-formed X-Request-Id becomes the request id and is echoed', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/request-id',
        headers: { 'x-request-id': 'lb-7f3a.2:9' },
      })
      assert.deepEqual(response.json(), { id: 'lb-7f3a.2:9' })
      assert.equal(response.headers['x-request-id'], 'lb-7f3a.2:9')
    })

    it('a request without X-Request-Id gets a generated one, echoed', async () => {
      const response = await app.inject({ method: 'GET', url: '/request-id' })
      const { id } = response.json<{ id: string }>()
      assert.match(id, /^req-[0-9a-f-]{36}$/)
      assert.equal(response.headers['x-request-id'], id)
    })

    it('an X-Request-Id longer than 128 characters is replaced', async () => {
      const given = 'a'.repeat(200)
      const response = await app.inject({
        method: 'GET',
        url: '/request-id',
        headers: { 'x-request-id': given },
      })
      assert.match(response.json<{ id: string }>().id, /^req-/)
      assert.notEqual(response.headers['x-request-id'], given)
    })

    it('an X-Request-Id with characters outside [A-Za-z0-9_.:-] is replaced', async () => {
      const given = 'abc def<script>'
      const response = await app.inject({
        method: 'GET',
        url: '/request-id',
        headers: { 'x-request-id': given },
      })
      assert.match(response.json<{ id: string }>().id, /^req-/)
    })
  })

  describe('security headers and CORS', () => {
    it('responses carry the security headers of helmet', async () => {
      const response = await app.inject({ method: 'GET', url: '/without-slash' })
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
      assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN')
      assert.equal(response.headers['referrer-policy'], 'no-referrer')
    })

    it('error responses carry them too', async () => {
      const response = await app.inject({ method: 'GET', url: '/nowhere' })
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
    })

    it('a CORS preflight from a configured origin is allowed', async () => {
      const response = await app.inject({
        method: 'OPTIONS',
        url: '/things',
        headers: { origin: 'https://console.example', 'access-control-request-method': 'POST' },
      })
      assert.equal(response.statusCode, 204)
      assert.equal(response.headers['access-control-allow-origin'], 'https://console.example')
      assert.match(String(response.headers['access-control-allow-methods']), /POST/)
    })

    it('a CORS preflight from another origin is not allowed', async () => {
      const response = await app.inject({
        method: 'OPTIONS',
        url: '/things',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      })
      assert.equal(response.headers['access-control-allow-origin'], undefined)
    })
  })
})

describe('the HTTP server’s logs', () => {
  const lines: string[] = []
  let app: App
  before(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
    app = await createHttpServer({ config, logger, tags: [] })
    registerTestRoutes(app)
    await app.ready()
  })
  after(() => app.close())

  it('keep the cause of a 500 under the request id the client was given', async () => {
    const response = await app.inject({ method: 'GET', url: '/boom' })
    const requestId = response.json<Problem>().request_id
    const logged = lines
      .map((line) => JSON.parse(line) as { reqId?: string; err?: { message?: string } })
      .find((entry) => entry.reqId === requestId && entry.err)
    assert.equal(logged?.err?.message, 'secret internals: password=hunter2')
  })

  it('write one line per request, on completion', async () => {
    lines.length = 0
    const response = await app.inject({ method: 'GET', url: '/without-slash' })
    const requestId = response.headers['x-request-id']
    const forRequest = lines.filter((line) => (JSON.parse(line) as { reqId?: string }).reqId === requestId)
    assert.equal(forRequest.length, 1)
    assert.match(forRequest[0]!, /request completed/)
  })
})
