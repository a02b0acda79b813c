import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ColumnType, Kysely } from 'kysely'
import { Type } from 'typebox'
import type { Clock } from '../clock.ts'
import type { Db } from '../database/database.ts'
import { watchCommits, type CommitWatch } from '../database/transaction.ts'
import { AppError, invalid, type ErrorKind } from '../errors.ts'
import { STATUS_OF_KIND } from './error-handler.ts'
import { actorOf } from './guards.ts'
import { problem, sendProblem, type Problem } from './problem.ts'

/*
 * Idempotency-Key support for POST routes that create money movements or bookings (API.md,
 * "Idempotency"): a retry with the same key and request gets the first response again instead of a
 * second creation; the same key with another request is a 422.
 *
 * What is stored, and so replayed, for each outcome of `create`:
 * - a result (2xx): stored and replayed.
 * - an AppError the same request would meet again (invalid, forbidden, not_found, conflict, …; 4xx):
 *   stored as its problem and replayed, as Stripe does. The key names one attempt, whose outcome was
 *   decided; a client that wants to try something else (a corrected body) sends a new key.
 * - an AppError that may pass on a plain retry (unauthenticated, rate_limited, unavailable) and any
 *   other error (500, database down): nothing stored; the claim is deleted, so a retry with the same
 *   key runs again. Services roll their transaction back when they throw, so nothing was created —
 *   unless a transaction of `create` had already committed (the failure came after, building the
 *   response): then the claim is kept, and a retry gets a 409 `idempotency_response_lost` saying
 *   the request was carried out, never a second creation.
 * - a request that fails schema validation never reaches `run`, so its key is not touched.
 *
 * A process that dies while `create` runs leaves its claim in progress: retries get a 409 until the
 * key expires, which is safer than running a creation that may have committed.
 */

/** The Idempotency-Key request header, for a route's `schema.headers`. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      'x-error': 'Use visible ASCII characters only (a UUID is recommended).',
      description:
        'A unique key for this operation, chosen by the client (a UUID v4 is recommended); keys are per user ' +
        'and remembered for 24 hours. A retry with the same key and the same request returns the first response ' +
        '(header `Idempotent-Replayed: true`) without doing the operation again; the same key with a different ' +
        'request is a 422 (`idempotency_key_reused`); a retry while the first request still runs is a 409 ' +
        '(`idempotency_request_in_progress`); a retry of a request that was carried out but whose response ' +
        'failed is a 409 (`idempotency_response_lost`): look the result up instead.',
      examples: ['5f0c4d8e-1b2a-4c3d-9e8f-7a6b5c4d3e2f'],
    }),
  ),
})

export interface IdempotencyOptions {
  /** How long a key is remembered; an older key counts as never used. Default: 24 hours. */
  retentionSeconds?: number
}

/** What a creating route answers: the status and the body its response schema serialises. */
export interface Outcome {
  status: number
  body: unknown
}

export interface Idempotency {
  /**
   * Runs `create` and sends its outcome, at most once per Idempotency-Key (when the request has one):
   * a retry gets the stored outcome. `create` reports failures by throwing.
   */
  run(request: FastifyRequest, reply: FastifyReply, create: () => Promise<Outcome>): Promise<FastifyReply>
  /** Deletes expired keys; returns how many. */
  purgeExpired(): Promise<number>
}

type IdempotencyTables = {
  idempotency_keys: {
    actor_id: number
    key: string
    method: string
    path: string
    request_hash: string
    status_code: number | null
    /** Written as JSON text (an array must not become a PostgreSQL array), read back parsed. */
    response: ColumnType<unknown, string | null, string | null>
    created_at: Date
    completed_at: Date | null
  }
}

type KeysDb = Kysely<IdempotencyTables>

/** One user's use of one key for one request, as claimed by this process. */
interface Claim {
  actorId: number
  key: string
  method: string
  path: string
  requestHash: string
  createdAt: Date
}

interface StoredKey {
  request_hash: string
  status_code: number | null
  response: unknown
}

const DAY_SECONDS = 24 * 60 * 60
const KEY_PATTERN = /^[\x21-\x7E]{1,200}$/
const REPLAYED_HEADER = 'idempotent-replayed'
/** AppErrors a plain retry may get past: their key is released rather than their problem stored. */
const TRANSIENT_KINDS: ReadonlySet<ErrorKind> = new Set(['unauthenticated', 'rate_limited', 'unavailable'])
/** A claim can vanish between the failed insert and the read (released or purged): claim again. */
const CLAIM_ATTEMPTS = 3

export function createIdempotency(db: Db, clock: Clock, options: IdempotencyOptions = {}): Idempotency {
  const keys: KeysDb = db.$extendTables<IdempotencyTables>()
  const retentionMs = (options.retentionSeconds ?? DAY_SECONDS) * 1000
  const expiredBefore = (): Date => new Date(clock.now().getTime() - retentionMs)

  return {
    async run(request, reply, create) {
      const key = idempotencyKeyOf(request)
      if (key === undefined) return send(reply, await create())
      const claim: Claim = {
        actorId: actorOf(request).userId,
        key,
        method: request.method,
        path: routeOf(request),
        requestHash: requestHash(request),
        createdAt: clock.now(),
      }
      const existing = await claimOrFind(keys, claim, expiredBefore())
      if (existing) return answerFromStored(reply, claim, existing)
      return runClaimed(keys, clock, request, reply, claim, create)
    },

    async purgeExpired() {
      const result = await keys
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', expiredBefore())
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

/** The key the request carries; checked here too, for a route that forgot `IdempotencyHeaders`. */
function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key']
  if (header === undefined) return undefined
  // A header sent twice arrives as one string, its values joined by a comma and a space.
  const key = String(header)
  if (!KEY_PATTERN.test(key)) {
    throw invalid('idempotency-key', 'Use 1 to 200 visible ASCII characters (a UUID is recommended).')
  }
  return key
}

/**
 * What makes two requests "the same": method, route and the validated input in canonical JSON (key
 * order does not matter). Path parameters and the query count too: the same key and body sent to
 * another hotel's bookings is another request.
 */
function requestHash(request: FastifyRequest): string {
  const input = canonicalJson({ params: request.params, query: request.query, body: request.body })
  return createHash('sha256')
    .update(`${request.method}\n${routeOf(request)}\n${input}`)
    .digest('hex')
}

/** The route's pattern ('/api/hotels/:id/bookings/'), not the URL it was called with. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url
}

/** JSON with every object's keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) => {
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) return nested
    const object = nested as Record<string, unknown>
    // Keys are distinct strings: the default sort orders them by code unit, the same on every machine.
    return Object.fromEntries(
      Object.keys(object)
        .sort()
        .map((key) => [key, object[key]]),
    )
  })
}

/**
 * Claims the key for this request, or returns the stored use of it. The insert decides races: of
 * concurrent requests with one key exactly one inserts (or takes over an expired row, whose lock the
 * others then wait for) and the others read its row.
 */
async function claimOrFind(keys: KeysDb, claim: Claim, expiredBefore: Date): Promise<StoredKey | undefined> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    if (await tryClaim(keys, claim, expiredBefore)) return undefined
    const stored = await keys
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status_code', 'response'])
      .where('actor_id', '=', claim.actorId)
      .where('key', '=', claim.key)
      .executeTakeFirst()
    if (stored) return stored
  }
  throw inProgress()
}

async function tryClaim(keys: KeysDb, claim: Claim, expiredBefore: Date): Promise<boolean> {
  const claimed = await keys
    .insertInto('idempotency_keys')
    .values({
      actor_id: claim.actorId,
      key: claim.key,
      method: claim.method,
      path: claim.path,
      request_hash: claim.requestHash,
      status_code: null,
      response: null,
      created_at: claim.createdAt,
      completed_at: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['actor_id', 'key'])
        // An expired key counts as never used: this request replaces its row.
        .doUpdateSet((eb) => ({
          method: eb.ref('excluded.method'),
          path: eb.ref('excluded.path'),
          request_hash: eb.ref('excluded.request_hash'),
          status_code: null,
          response: null,
          created_at: eb.ref('excluded.created_at'),
          completed_at: null,
        }))
        .where('idempotency_keys.created_at', '<', expiredBefore),
    )
    .returning('key')
    .executeTakeFirst()
  return claimed !== undefined
}

function answerFromStored(reply: FastifyReply, claim: Claim, stored: StoredKey): FastifyReply {
  if (stored.request_hash !== claim.requestHash) {
    throw new AppError(
      'unprocessable',
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request.',
    )
  }
  if (stored.status_code === null) throw inProgress()
  reply.header(REPLAYED_HEADER, 'true')
  // Errors are only ever stored as problems (see recordedProblem).
  if (stored.status_code >= 400) return sendProblem(reply, stored.response as Problem)
  return reply.code(stored.status_code).send(stored.response)
}

function inProgress(): AppError {
  return new AppError(
    'conflict',
    'idempotency_request_in_progress',
    'A request with this Idempotency-Key is still in progress; retry shortly.',
    { retryAfterSeconds: 1 },
  )
}

async function runClaimed(
  keys: KeysDb,
  clock: Clock,
  request: FastifyRequest,
  reply: FastifyReply,
  claim: Claim,
  create: () => Promise<Outcome>,
): Promise<FastifyReply> {
  let outcome: Outcome
  // Stryker disable next-line ObjectLiteral: equivalent — an empty watch reads as not committed.
  const watch: CommitWatch = { committed: false }
  try {
    outcome = await watchCommits(watch, create)
  } catch (error) {
    const storable = recordedProblem(request, error)
    if (!storable && watch.committed) {
      // The creation committed and only its response failed: a retry must not create again.
      const lost = responseLost(request)
      await complete(keys, clock, request, claim, lost.status, JSON.stringify(lost))
      throw error
    }
    if (!storable) {
      await release(keys, request, claim)
      throw error
    }
    await complete(keys, clock, request, claim, storable.status, JSON.stringify(storable))
    return sendProblem(reply, storable)
  }
  // Stored as serialised by the route's response schema: what the client got, without the fields the
  // schema leaves out.
  const json = serialized(reply.code(outcome.status), outcome.body)
  await complete(keys, clock, request, claim, outcome.status, json)
  return reply.type('application/json; charset=utf-8').send(json)
}

/** The body as the route's serialiser for the reply's status writes it. */
function serialized(reply: FastifyReply, body: unknown): string {
  // A route's response schema compiles to fast-json-stringify, which writes a string.
  return reply.serialize(body) as string
}

/** The problem to store for an error the same request would meet again; undefined to release the key. */
function recordedProblem(request: FastifyRequest, error: unknown): Problem | undefined {
  if (!(error instanceof AppError) || TRANSIENT_KINDS.has(error.kind)) return undefined
  return problem(request, STATUS_OF_KIND[error.kind], error.code, error.message, error.fieldErrors)
}

/** What a retry learns when the first request's change committed but its response was never built. */
function responseLost(request: FastifyRequest): Problem {
  return problem(
    request,
    STATUS_OF_KIND.conflict,
    'idempotency_response_lost',
    'The request with this Idempotency-Key was carried out, but its response could not be sent. Look the result up (it is in the list) instead of retrying.',
  )
}

/**
 * Records the outcome on this request's claim. When that fails the creation has still happened: the
 * client gets its response, and the claim stays in progress so that no retry creates again.
 */
async function complete(
  keys: KeysDb,
  clock: Clock,
  request: FastifyRequest,
  claim: Claim,
  status: number,
  json: string,
): Promise<void> {
  try {
    await keys
      .updateTable('idempotency_keys')
      .set({ status_code: status, response: json, completed_at: clock.now() })
      .where((eb) => eb.and(ownClaim(claim)))
      .execute()
  } catch (error) {
    request.log.error({ err: error, idempotencyKey: claim.key }, 'could not record an idempotent response')
  }
}

/** Deletes this request's claim so a retry runs again; the error being answered matters more. */
async function release(keys: KeysDb, request: FastifyRequest, claim: Claim): Promise<void> {
  try {
    await keys
      .deleteFrom('idempotency_keys')
      .where((eb) => eb.and(ownClaim(claim)))
      .execute()
  } catch (error) {
    request.log.error({ err: error, idempotencyKey: claim.key }, 'could not release an idempotency key')
  }
}

/** The row this request claimed: still in progress, and not one that replaced it after it expired. */
function ownClaim(claim: Claim) {
  return {
    actor_id: claim.actorId,
    key: claim.key,
    created_at: claim.createdAt,
    status_code: null,
  } as const
}

function send(reply: FastifyReply, outcome: Outcome): FastifyReply {
  return reply.code(outcome.status).send(outcome.body)
}
