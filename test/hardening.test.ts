import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { assertInvalid, assertProblem } from './helpers/problems.ts'

let t: TestApp
let operator: SignedInUser

before(async () => {
  t = await buildTestApp()
  operator = await signIn(t, ['operator'])
})
after(() => t.close())

/** `depth` arrays, one inside the other. */
function nestedArrays(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth)
}

describe('deeply nested JSON', () => {
  it('a 1 MB body of nested arrays from a signed-in user is a 400 too_deeply_nested', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/payments/',
      headers: { ...operator.headers, 'content-type': 'application/json' },
      payload: nestedArrays(512 * 1024 - 1),
    })
    const body = assertProblem(response, 400, 'too_deeply_nested')
    assert.deepEqual(Object.keys(body.errors ?? {}), ['non_field_errors'])
  })

  it('a 44 KB body of nested arrays to an anonymous route is a 400 too_deeply_nested', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: nestedArrays(22 * 1024),
    })
    assertProblem(response, 400, 'too_deeply_nested')
  })

  it('nesting is refused before the schema is checked, whatever the fields say', async () => {
    const deep = JSON.parse(nestedArrays(40)) as unknown
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'not an email', unknown: deep },
    })
    assertProblem(response, 400, 'too_deeply_nested')
  })

  it('nesting up to the limit is let through to the schema', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'not an email', unknown: JSON.parse(nestedArrays(31)) as unknown },
    })
    assertInvalid(response)
  })
})
