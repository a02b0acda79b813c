import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { sql, type KyselyPlugin, type QueryResult, type UnknownRow } from 'kysely'
import { Type, type Static } from 'typebox'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { waitUntil } from '../../../test/helpers/wait.ts'
import { loadConfig } from '../../config.ts'
import { fixedClock } from '../clock.ts'
import type { Database } from '../database/database.ts'
import { transaction } from '../database/transaction.ts'
import { AppError, conflict, invalid, unauthenticated } from '../errors.ts'
import { createLogger } from '../telemetry/logger.ts'
import type { Actor } from './actor.ts'
import { createGuards } from './guards.ts'
import { createIdempotency, IdempotencyHeaders, type Idempotency } from './idempotency.ts'
import type { Problem } from './problem.ts'
import { Timestamp } from './schemas.ts'
import { createHttpServer, type App } from './server.ts'

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'x'.repeat(40),
  PUBLIC_URL: 'http://bureau.test',
})

const RETENTION_SECONDS = 60 * 60

/** Bearer tokens the fake resolver knows. */
const ACTORS: Record<string, Actor> = {
  alice: { userId: 1, roles: [], sessionId: 'session-alice' },
  bob: { userId: 2, roles: [], sessionId: 'session-bob' },
}

const NewThing = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 20 }),
    note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    details: Type.Optional(
      Type.Object(
        { colour: Type.Optional(Type.String()), size: Type.Optional(Type.Integer()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

const Thing = Type.Object(
  { id: Type.Integer(), name: Type.String(), created_at: Timestamp },
  { additionalProperties: false },
)

/**
 * The service behind the test routes: counts every call of `create`, can be made to fail once, and
 * can be held at a gate (to keep a request in progress).
 */
function createThings(now: () => Date) {
  const state = {
    calls: 0,
    created: 0,
    failures: [] as Error[],
    gate: undefined as Promise<void> | undefined,
    /** Commits a transaction, then fails: the creation happened, its response did not. */
    commitThenFail: undefined as { commit: () => Promise<void>; error: Error } | undefined,
  }
  return {
    state,
    async create(input: Static<typeof NewThing>) {
      state.calls++
      if (state.gate) await state.gate
      const failure = state.failures.shift()
      if (failure) throw failure
      state.created++
      if (state.commitThenFail) {
        await state.commitThenFail.commit()
        throw state.commitThenFail.error
      }
      // `secret` is not in the response schema: it must reach neither the client nor the stored response.
      return { id: state.created, name: input.name, created_at: now(), secret: 'not for the client' }
    },
  }
}

/**
 * Stands for a claim that vanishes (released or purged) every time between the failed insert and the
 * read of the stored row: every read of a key answers nothing. Counts the claims attempted.
 */
const claimsAttempted = { count: 0 }
const reads = new Set<unknown>()
const vanishingReads: KyselyPlugin = {
  transformQuery({ node, queryId }) {
    if (node.kind === 'InsertQueryNode') claimsAttempted.count++
    if (node.kind === 'SelectQueryNode') reads.add(queryId)
    return node
  },
  async transformResult({ result, queryId }): Promise<QueryResult<UnknownRow>> {
    return reads.delete(queryId) ? { ...result, rows: [] } : result
  },
}

/** The error lines the test app logged. */
const logged: string[] = []

/** Makes the next update (recording an outcome) or delete (releasing a claim) of a key fail. */
const failNext: { write?: 'UpdateQueryNode' | 'DeleteQueryNode' } = {}
const failingWrites: KyselyPlugin = {
  transformQuery({ node }) {
    if (node.kind === failNext.write) {
      delete failNext.write
      throw new Error('the database went away')
    }
    return node
  },
  async transformResult({ result }) {
    return result
  },
}

/** The logged error lines with this message and key. */
function loggedErrors(message: string, key: string): { idempotencyKey: string; err: { message: string } }[] {
  return logged
    .map((line) => JSON.parse(line) as { msg: string; idempotencyKey: string; err: { message: string } })
    .filter((entry) => entry.msg === message && entry.idempotencyKey === key)
}

describe(`Idempotency-Key (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  const clock = fixedClock('2026-03-02T12:00:00Z')
  const things = createThings(() => clock.now())
  let database: Database
  let idempotency: Idempotency
  let app: App

  before(async () => {
    database = await createTestDatabase()
    idempotency = createIdempotency(database.db, clock, { retentionSeconds: RETENTION_SECONDS })
    const logger = createLogger({ logLevel: 'error' }, { write: (line: string) => logged.push(line) })
    app = await createHttpServer({ config, logger, tags: [] })
    const daily = createIdempotency(database.db, clock)
    const vanishing = createIdempotency(database.db.withPlugin(vanishingReads), clock, {
      retentionSeconds: RETENTION_SECONDS,
    })
    const fragile = createIdempotency(database.db.withPlugin(failingWrites), clock, {
      retentionSeconds: RETENTION_SECONDS,
    })
    registerTestRoutes(app, idempotency, { daily, vanishing, fragile }, things)
    await app.ready()
  })
  after(async () => {
    await app.close()
    await database.close()
  })
  beforeEach(() => {
    things.state.calls = 0
    things.state.failures = []
    things.state.gate = undefined
    things.state.commitThenFail = undefined
  })

  function post(
    options: { key?: string; token?: string; url?: string; payload?: unknown } = {},
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method: 'POST',
      url: options.url ?? '/things/',
      headers: {
        ...(options.token === '' ? {} : { authorization: `Bearer ${options.token ?? 'alice'}` }),
        ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
        'content-type': 'application/json',
      },
      payload: (options.payload ?? { name: 'desk' }) as string | object,
    })
  }

  describe('without a key', () => {
    it('creates on every request', async () => {
      const first = await post()
      const second = await post()
      assert.equal(first.statusCode, 201)
      assert.equal(second.statusCode, 201)
      assert.notEqual(first.json<{ id: number }>().id, second.json<{ id: number }>().id)
      assert.equal(things.state.calls, 2)
      assert.equal(second.headers['idempotent-replayed'], undefined)
    })
  })

  describe('a retry with the same key and request', () => {
    it('creates once and replays the first response, status and body, marked as replayed', async () => {
      const key = randomUUID()
      const first = await post({ key })
      const retry = await post({ key })
      assert.equal(things.state.calls, 1)
      assert.equal(first.statusCode, 201)
      assert.equal(first.headers['idempotent-replayed'], undefined)
      assert.equal(retry.statusCode, 201)
      assert.equal(retry.body, first.body)
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      assert.equal(first.headers['content-type'], 'application/json; charset=utf-8')
      assert.equal(retry.headers['content-type'], 'application/json; charset=utf-8')
    })

    it('is recognised whatever the order of the keys in the JSON body', async () => {
      const key = randomUUID()
      const first = await post({ key, payload: '{"name":"lamp","details":{"colour":"red","size":2}}' })
      const retry = await post({ key, payload: '{"details":{"size":2,"colour":"red"},"name":"lamp"}' })
      assert.equal(things.state.calls, 1)
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      assert.equal(retry.body, first.body)
    })

    it('stores the response as the client got it, without the fields its schema leaves out', async () => {
      const key = randomUUID()
      const first = await post({ key })
      const row = await storedKey(database, ACTORS.alice!.userId, key)
      assert.equal(row.status_code, 201)
      assert.deepEqual(row.response, first.json())
      assert.equal(row.path, '/things/')
      assert.equal(row.method, 'POST')
      assert.ok(row.completed_at instanceof Date)
    })
  })

  describe('the same key with a different request', () => {
    it('is a 422 idempotency_key_reused problem, and nothing is created', async () => {
      const key = randomUUID()
      await post({ key, payload: { name: 'desk' } })
      const reused = await post({ key, payload: { name: 'chair' } })
      const body = assertProblem(reused, 422, 'idempotency_key_reused')
      assert.equal(body.detail, 'This Idempotency-Key was used with a different request.')
      assert.equal(things.state.calls, 1)
    })

    it('includes another value of a path parameter', async () => {
      const key = randomUUID()
      assert.equal((await post({ key, url: '/groups/1/things/' })).statusCode, 201)
      assertProblem(await post({ key, url: '/groups/2/things/' }), 422, 'idempotency_key_reused')
      assert.equal(things.state.calls, 1)
    })

    it('includes another route, even with the same input', async () => {
      const key = randomUUID()
      assert.equal((await post({ key })).statusCode, 201)
      assertProblem(await post({ key, url: '/other-things/' }), 422, 'idempotency_key_reused')
      assertProblem(await post({ key, url: '/groups/1/things/' }), 422, 'idempotency_key_reused')
    })

    it('is recognised with null values in the body', async () => {
      const key = randomUUID()
      assert.equal((await post({ key, payload: { name: 'lamp', note: null } })).statusCode, 201)
      const retry = await post({ key, payload: { name: 'lamp', note: null } })
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      assertProblem(
        await post({ key, payload: { name: 'lamp', note: 'red' } }),
        422,
        'idempotency_key_reused',
      )
    })

    it('includes another number in the body', async () => {
      const key = randomUUID()
      assert.equal((await post({ key, payload: { name: 'lamp', details: { size: 2 } } })).statusCode, 201)
      const other = await post({ key, payload: { name: 'lamp', details: { size: 3 } } })
      assertProblem(other, 422, 'idempotency_key_reused')
    })

    it('names the route by its pattern, not by the URL it was called with', async () => {
      const key = randomUUID()
      assert.equal((await post({ key, url: '/groups/7/things/' })).statusCode, 201)
      assert.equal((await storedKey(database, ACTORS.alice!.userId, key)).path, '/groups/:group/things/')
    })
  })

  it('scopes keys per user: the same key from two users makes two creations', async () => {
    const key = randomUUID()
    const alices = await post({ key, token: 'alice' })
    const bobs = await post({ key, token: 'bob' })
    assert.equal(alices.statusCode, 201)
    assert.equal(bobs.statusCode, 201)
    assert.equal(bobs.headers['idempotent-replayed'], undefined)
    assert.notEqual(alices.json<{ id: number }>().id, bobs.json<{ id: number }>().id)
    assert.equal(things.state.calls, 2)
  })

  it('runs one of several concurrent requests with the same key; the others get a 409 meanwhile', async () => {
    const key = randomUUID()
    let open = (): void => undefined
    things.state.gate = new Promise((resolve) => {
      open = resolve
    })
    const answered: LightMyRequestResponse[] = []
    const requests = Array.from({ length: 5 }, () =>
      post({ key }).then((response) => {
        answered.push(response)
        return response
      }),
    )
    // The request that claimed the key waits at the gate; every other one is answered meanwhile.
    await waitUntil('four requests were answered', () => answered.length === 4, { timeoutMs: 10_000 })
    open()
    const responses = await Promise.all(requests)
    assert.equal(things.state.calls, 1)
    const created = responses.filter((response) => response.statusCode === 201)
    assert.equal(created.length, 1)
    for (const response of responses.filter((each) => each.statusCode !== 201)) {
      assertProblem(response, 409, 'idempotency_request_in_progress')
      assert.equal(response.headers['retry-after'], '1')
    }
    const retry = await post({ key })
    assert.equal(retry.body, created[0]!.body)
    assert.equal(things.state.calls, 1)
  })

  it('gives up with a 409 after 3 attempts when a claim keeps vanishing before it can be read', async () => {
    const key = randomUUID()
    assert.equal((await post({ key })).statusCode, 201)
    claimsAttempted.count = 0
    assertProblem(await post({ key, url: '/vanishing/things/' }), 409, 'idempotency_request_in_progress')
    assert.equal(claimsAttempted.count, 3)
    assert.equal(things.state.calls, 1)
  })

  it('answers the creation when its outcome cannot be recorded, logs why, and keeps the key in progress', async () => {
    const key = randomUUID()
    failNext.write = 'UpdateQueryNode'
    assert.equal((await post({ key, url: '/fragile/things/' })).statusCode, 201)
    const [entry] = loggedErrors('could not record an idempotent response', key)
    assert.equal(entry?.err.message, 'the database went away')
    assertProblem(await post({ key, url: '/fragile/things/' }), 409, 'idempotency_request_in_progress')
    assert.equal(things.state.calls, 1)
  })

  it('answers the error when a failed creation’s claim cannot be released, logs why, and keeps the key in progress', async () => {
    const key = randomUUID()
    things.state.failures.push(new Error('the disk is on fire'))
    failNext.write = 'DeleteQueryNode'
    assertProblem(await post({ key, url: '/fragile/things/' }), 500, 'internal_error')
    const [entry] = loggedErrors('could not release an idempotency key', key)
    assert.equal(entry?.err.message, 'the database went away')
    assertProblem(await post({ key, url: '/fragile/things/' }), 409, 'idempotency_request_in_progress')
    assert.equal(things.state.calls, 1)
  })

  describe('a failed creation', () => {
    it('releases the key after an unexpected error (500), so a retry runs', async () => {
      const key = randomUUID()
      things.state.failures.push(new Error('the disk is on fire'))
      assertProblem(await post({ key }), 500, 'internal_error')
      const retry = await post({ key })
      assert.equal(retry.statusCode, 201)
      assert.equal(retry.headers['idempotent-replayed'], undefined)
      assert.equal(things.state.calls, 2)
    })

    it('keeps the key when the creation committed and only its response failed: a retry is told, and creates nothing', async () => {
      const key = randomUUID()
      things.state.commitThenFail = {
        commit: () =>
          transaction(database.db, async (tx) => {
            await sql`select 1`.execute(tx)
          }),
        error: new Error('the response could not be built'),
      }
      assertProblem(await post({ key }), 500, 'internal_error')
      things.state.commitThenFail = undefined
      const retry = await post({ key })
      assert.equal(retry.statusCode, 409)
      assert.equal(retry.json<Problem>().code, 'idempotency_response_lost')
      assert.match(retry.json<Problem>().detail, /carried out, but its response could not be sent/)
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      assert.equal(things.state.calls, 1)
    })

    it('releases the key after a transient AppError (503 unavailable), so a retry runs', async () => {
      const key = randomUUID()
      things.state.failures.push(new AppError('unavailable', 'payouts_unavailable', 'Try again later.'))
      assertProblem(await post({ key }), 503, 'payouts_unavailable')
      assert.equal((await post({ key })).statusCode, 201)
      assert.equal(things.state.calls, 2)
    })

    for (const [kind, status] of [
      ['unauthenticated', 401],
      ['rate_limited', 429],
    ] as const) {
      it(`releases the key after a ${kind} AppError (${status}), so a retry runs`, async () => {
        const key = randomUUID()
        things.state.failures.push(new AppError(kind, 'try_again', 'Try again.'))
        assertProblem(await post({ key }), status, 'try_again')
        assert.equal((await post({ key })).statusCode, 201)
        assert.equal(things.state.calls, 2)
      })
    }

    it('stores a client error (4xx AppError) and replays it, without running again', async () => {
      const key = randomUUID()
      things.state.failures.push(conflict('sold_out', 'No rooms left for these dates.'))
      const first = await post({ key })
      const firstBody = assertProblem(first, 409, 'sold_out')
      const retry = await post({ key })
      assert.equal(things.state.calls, 1)
      assert.equal(retry.statusCode, 409)
      assert.match(String(retry.headers['content-type']), /^application\/problem\+json/)
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      // The first response, as it was: its request id names the request that decided it.
      assert.deepEqual(retry.json<Problem>(), firstBody)
    })

    it('replays a stored validation failure with its field errors', async () => {
      const key = randomUUID()
      things.state.failures.push(invalid('name', 'This name is taken.'))
      assert.deepEqual(assertInvalid(await post({ key })), { name: ['This name is taken.'] })
      const retry = await post({ key })
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      assert.deepEqual(retry.json<Problem>().errors, { name: ['This name is taken.'] })
      assert.equal(retry.statusCode, 400)
      assert.match(String(retry.headers['content-type']), /^application\/problem\+json/)
      assert.equal(things.state.calls, 1)
    })
  })

  it('does not use up the key on a request that fails schema validation', async () => {
    const key = randomUUID()
    assertInvalid(await post({ key, payload: { name: '' } }))
    const corrected = await post({ key, payload: { name: 'desk' } })
    assert.equal(corrected.statusCode, 201)
    assert.equal(things.state.calls, 1)
  })

  describe('an expired key', () => {
    it('is still replayed just before the retention ends', async () => {
      const key = randomUUID()
      await post({ key })
      clock.advance(RETENTION_SECONDS * 1000 - 1000)
      const retry = await post({ key })
      assert.equal(retry.headers['idempotent-replayed'], 'true')
      assert.equal(things.state.calls, 1)
    })

    it('counts as never used: a retry after the retention runs again and replaces it', async () => {
      const key = randomUUID()
      const first = await post({ key })
      clock.advance(RETENTION_SECONDS * 1000 + 1000)
      const later = await post({ key })
      assert.equal(later.statusCode, 201)
      assert.equal(later.headers['idempotent-replayed'], undefined)
      assert.notEqual(later.body, first.body)
      assert.equal(things.state.calls, 2)
      const retry = await post({ key })
      assert.equal(retry.body, later.body)
    })

    it('is kept 24 hours by default', async () => {
      const key = randomUUID()
      await post({ key, url: '/daily/things/' })
      clock.advance(24 * 60 * 60 * 1000 - 1000)
      assert.equal((await post({ key, url: '/daily/things/' })).headers['idempotent-replayed'], 'true')
      clock.advance(2000)
      assert.equal((await post({ key, url: '/daily/things/' })).headers['idempotent-replayed'], undefined)
      assert.equal(things.state.calls, 2)
    })

    it('is deleted by purgeExpired, which keeps the keys still in use', async () => {
      const old = randomUUID()
      const fresh = randomUUID()
      await post({ key: old })
      clock.advance(RETENTION_SECONDS * 1000 + 1000)
      await post({ key: fresh })
      const before = await countKeys(database)
      const purged = await idempotency.purgeExpired()
      assert.ok(purged >= 1)
      assert.equal(await countKeys(database), before - purged)
      assert.equal(await findKey(database, ACTORS.alice!.userId, old), undefined)
      assert.ok(await findKey(database, ACTORS.alice!.userId, fresh))
    })
  })

  describe('the header', () => {
    it('longer than 200 characters is a 400 validation failure', async () => {
      const errors = assertInvalid(await post({ key: 'k'.repeat(201) }))
      assert.deepEqual(errors, { 'idempotency-key': ['Ensure this field has no more than 200 characters.'] })
      assert.equal(things.state.calls, 0)
    })

    it('of 200 characters is accepted', async () => {
      assert.equal((await post({ key: 'k'.repeat(200) })).statusCode, 201)
    })

    it('with characters other than visible ASCII is a 400 validation failure', async () => {
      const errors = assertInvalid(await post({ key: 'two words' }))
      assert.deepEqual(errors, {
        'idempotency-key': ['Use visible ASCII characters only (a UUID is recommended).'],
      })
      assert.equal(things.state.calls, 0)
    })

    it('when empty is a 400 validation failure', async () => {
      assertInvalid(await post({ key: '' }))
      assert.equal(things.state.calls, 0)
    })

    it('is checked on a route whose schema forgot it: 400 for a space inside, or 201 characters', async () => {
      for (const key of ['two words', 'k'.repeat(201)]) {
        const errors = assertInvalid(await post({ key, url: '/unchecked/things/' }))
        assert.deepEqual(errors, {
          'idempotency-key': ['Use 1 to 200 visible ASCII characters (a UUID is recommended).'],
        })
      }
      assert.equal(things.state.calls, 0)
      assert.equal((await post({ key: randomUUID(), url: '/unchecked/things/' })).statusCode, 201)
    })

    it('needs an authenticated caller, since keys are per user', async () => {
      assertProblem(
        await post({ key: randomUUID(), url: '/open/things/', token: '' }),
        401,
        'not_authenticated',
      )
      assert.equal(things.state.calls, 0)
    })

    it('is documented in the OpenAPI document', async () => {
      const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
        paths: Record<
          string,
          {
            post: {
              parameters: {
                name: string
                in: string
                description: string
                example?: string
              }[]
            }
          }
        >
      }>()
      const parameter = document.paths['/things/']?.post.parameters.find(
        ({ name }) => name === 'idempotency-key',
      )
      assert.equal(parameter?.in, 'header')
      for (const promise of [
        /UUID v4 is recommended/,
        /remembered for 24 hours/,
        /returns the first response \(header `Idempotent-Replayed: true`\) without doing the operation again/,
        /a different request is a 422 \(`idempotency_key_reused`\)/,
        /still runs is a 409 \(`idempotency_request_in_progress`\)/,
        /whose response failed is a 409 \(`idempotency_response_lost`\): look the result up instead/,
      ]) {
        assert.match(parameter.description, promise)
      }
      assert.equal(parameter.example, '5f0c4d8e-1b2a-4c3d-9e8f-7a6b5c4d3e2f')
    })
  })
})

function registerTestRoutes(
  app: App,
  idempotency: Idempotency,
  others: { daily: Idempotency; vanishing: Idempotency; fragile: Idempotency },
  things: ReturnType<typeof createThings>,
): void {
  const { daily, vanishing, fragile } = others
  const guards = createGuards(async (token) => {
    const actor = ACTORS[token]
    if (!actor) throw unauthenticated('token_not_valid', 'Given token not valid for any token type.')
    return actor
  })
  const schema = { headers: IdempotencyHeaders, body: NewThing, response: { 201: Thing } }

  app.post('/things/', { preHandler: [guards.authenticate], schema }, async (request, reply) =>
    idempotency.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  app.post(
    '/groups/:group/things/',
    {
      preHandler: [guards.authenticate],
      schema: { ...schema, params: Type.Object({ group: Type.Integer({ minimum: 1 }) }) },
    },
    async (request, reply) =>
      idempotency.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  // Another route taking the same input: a key used on one is a different request on the other.
  app.post('/other-things/', { preHandler: [guards.authenticate], schema }, async (request, reply) =>
    idempotency.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  // A route that forgot IdempotencyHeaders in its schema: the key is still checked.
  app.post(
    '/unchecked/things/',
    { preHandler: [guards.authenticate], schema: { body: NewThing, response: { 201: Thing } } },
    async (request, reply) =>
      idempotency.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  // Keys whose stored row can never be read back (see vanishingReads).
  app.post('/vanishing/things/', { preHandler: [guards.authenticate], schema }, async (request, reply) =>
    vanishing.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  // Keys whose outcome cannot be recorded, or whose claim cannot be released (see failingWrites).
  app.post('/fragile/things/', { preHandler: [guards.authenticate], schema }, async (request, reply) =>
    fragile.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  // Keys kept for the default time.
  app.post('/daily/things/', { preHandler: [guards.authenticate], schema }, async (request, reply) =>
    daily.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
  // A route that forgot its guard: a key still needs an authenticated caller.
  app.post('/open/things/', { schema }, async (request, reply) =>
    idempotency.run(request, reply, async () => ({ status: 201, body: await things.create(request.body) })),
  )
}

interface StoredKeyRow {
  method: string
  path: string
  status_code: number | null
  response: unknown
  completed_at: Date | null
}

async function findKey(database: Database, actorId: number, key: string): Promise<StoredKeyRow | undefined> {
  const result = await sql<StoredKeyRow>`
    select method, path, status_code, response, completed_at
    from idempotency_keys where actor_id = ${actorId} and key = ${key}`.execute(database.db)
  return result.rows[0]
}

async function storedKey(database: Database, actorId: number, key: string): Promise<StoredKeyRow> {
  const row = await findKey(database, actorId, key)
  assert.ok(row, `key ${key} is stored`)
  return row
}

async function countKeys(database: Database): Promise<number> {
  const result = await sql<{ count: number }>`select count(*)::int as count from idempotency_keys`.execute(
    database.db,
  )
  return result.rows[0]?.count ?? 0
}
