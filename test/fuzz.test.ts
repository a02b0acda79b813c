import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { signIn } from './helpers/accounts.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { REFUND_IBAN } from './helpers/complaints.ts'
import { createFixtures } from './helpers/fuzz/fixtures.ts'
import { Identities } from './helpers/fuzz/identities.ts'
import { operationsOf, type OpenApiDocument, type Operation } from './helpers/fuzz/operations.ts'
import { curlCommand } from './helpers/fuzz/replay.ts'
import { requestsFor, type FuzzRequest } from './helpers/fuzz/requests.ts'
import { pictureBytes } from './helpers/images.ts'

/*
 * Requests generated from the API's own OpenAPI document, wrong in every way clients get them wrong,
 * from every kind of caller. The oracle: no answer is a 5xx, every error is a problem+json with a
 * code, and every answer comes within 2 s.
 *
 * FUZZ_SEED (default below) fixes the requests; FUZZ_RUNS (default 10 000) is how many requests in
 * all, shared by the operations; FUZZ_ONLY="POST /api/payments/" fuzzes one operation; FUZZ_PATH
 * replays the case a failure names (with its FUZZ_SEED and FUZZ_ONLY).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_302)
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000)
const ONLY = process.env.FUZZ_ONLY
const PATH = process.env.FUZZ_PATH
const ANSWER_WITHIN_MS = 2000

/** A seed per operation, so each one's requests do not depend on which others run. */
function seedOf(operation: Operation): number {
  let hash = SEED | 0
  for (const char of operation.name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
  return hash
}

/** What is wrong with an answer, if anything. */
function faultOf(response: LightMyRequestResponse, ms: number): string | undefined {
  if (response.statusCode >= 500) return `answered ${response.statusCode}: ${response.body.slice(0, 500)}`
  if (ms > ANSWER_WITHIN_MS) return `answered after ${Math.round(ms)} ms`
  if (response.statusCode < 400) return undefined
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    return `error ${response.statusCode} is not application/problem+json: ${String(response.headers['content-type'])}`
  }
  const body: unknown = response.json()
  const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined
  if (typeof code !== 'string' || code === '')
    return `error ${response.statusCode} has no code: ${response.body}`
  return undefined
}

describe('the API under fuzzing', () => {
  let t: TestApp
  let operations: Operation[]
  let identities: Identities
  let picture: Buffer
  const sent = { requests: 0, ms: 0, byStatus: {} as Record<string, number> }

  before(async () => {
    t = await buildTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000000', UPLOAD_MAX_BYTES: '65536' } })
    const document = await t.app.inject({ method: 'GET', url: '/openapi.json' })
    operations = operationsOf(document.json<OpenApiDocument>()).filter(
      (operation) => !ONLY || operation.name === ONLY,
    )
    assert.ok(operations.length > 0, `no operation named ${ONLY ?? ''}`)
    const admin = await signIn(t, ['admin', 'operator', 'approver'])
    await createFixtures(t, admin, await signIn(t, [], { iban: REFUND_IBAN }))
    identities = new Identities(t)
    await identities.signInAll()
    picture = await pictureBytes(8, 6)
  })
  after(async () => {
    await t.close()
  })

  /** Sends one request and says what is wrong with its answer. */
  async function send(operation: Operation, request: FuzzRequest): Promise<void> {
    const authorization = await identities.authorization(
      request.identity,
      request.credentials,
      request.oddClaims,
    )
    const headers = { ...request.headers, ...(authorization === undefined ? {} : { authorization }) }
    const started = performance.now()
    const response = await t.app.inject({
      method: request.method,
      url: request.url,
      headers,
      ...(request.body === undefined ? {} : { payload: request.body }),
    })
    const ms = performance.now() - started
    sent.requests++
    sent.ms += ms
    const statusClass = `${String(response.statusCode).charAt(0)}xx`
    sent.byStatus[statusClass] = (sent.byStatus[statusClass] ?? 0) + 1
    const fault = faultOf(response, ms)
    if (fault !== undefined) {
      throw new Error(
        `${operation.name} as ${request.identity} (${request.credentials}) ${fault}\n  replay: ${curlCommand({ ...request, headers })}`,
      )
    }
    // A request of the fuzzer logged this caller out or deactivated them: the next ones get a new user.
    const expired =
      response.statusCode === 401 && response.json<{ code: string }>().code === 'token_not_valid'
    if (expired && operation.authenticated && request.credentials === 'as issued')
      await identities.renew(request.identity)
  }

  it('never answers 5xx, always problem+json errors with a code, within 2 s, to any operation', async (context) => {
    const runs = Math.ceil(RUNS / operations.length)
    for (const operation of operations) {
      await context.test(operation.name, async () => {
        const seed = seedOf(operation)
        const details = await fc.check(
          fc.asyncProperty(requestsFor(operation, picture), (request) => send(operation, request)),
          { seed, numRuns: runs, ...(PATH ? { path: PATH } : {}), endOnFailure: true },
        )
        if (details.failed) {
          const cause =
            details.errorInstance instanceof Error
              ? details.errorInstance.message
              : String(details.errorInstance)
          assert.fail(
            `${cause}\n  fast-check: FUZZ_SEED=${SEED} FUZZ_ONLY='${operation.name}' FUZZ_PATH='${details.counterexamplePath ?? ''}' node --test test/fuzz.test.ts`,
          )
        }
      })
    }
    const seconds = (sent.ms / 1000).toFixed(1)
    context.diagnostic(
      `${sent.requests} requests to ${operations.length} operations, answered in ${seconds} s in all (FUZZ_SEED=${SEED}); answers by class: ${JSON.stringify(sent.byStatus)}`,
    )
  })
})
