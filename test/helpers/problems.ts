import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import type { Problem } from '../../src/platform/http/problem.ts'

/** Asserts an RFC 9457 problem response with the API's extra fields, and returns its body. */
export function assertProblem(response: LightMyRequestResponse, status: number, code: string): Problem {
  assert.equal(response.statusCode, status, response.body)
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = response.json<Problem>()
  assert.deepEqual(
    Object.keys(body)
      .filter((key) => key !== 'errors')
      .sort(),
    ['code', 'detail', 'request_id', 'status', 'title', 'type'],
  )
  assert.equal(body.type, 'about:blank')
  assert.equal(body.status, status)
  assert.equal(body.code, code)
  assert.ok(body.title.length > 0 && body.detail.length > 0)
  assert.equal(body.request_id, response.headers['x-request-id'])
  return body
}

/** A 400 validation failure; returns its field errors. */
export function assertInvalid(response: LightMyRequestResponse): Record<string, string[]> {
  const body = assertProblem(response, 400, 'validation_failed')
  assert.ok(body.errors, 'a validation failure lists its field errors')
  return body.errors
}
