import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { REFUND_IBAN } from './helpers/complaints.ts'
import { multipartForm, pictureBytes } from './helpers/images.ts'
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

/** Every file stored under DATA_DIR/files, by path. */
function storedFiles(): string[] {
  const root = path.join(t.config.dataDir, 'files')
  if (!existsSync(root)) return []
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
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

describe('null characters in multipart fields', () => {
  it('a complaint form with U+0000 in a field is a 400 on that field, and no photo is stored', async () => {
    const user = await signIn(t, [], { iban: REFUND_IBAN })
    const before = storedFiles()
    const form = multipartForm([
      { name: 'title', value: 'Broken\u0000chair' },
      { name: 'description', value: 'It broke.' },
      { name: 'amount', value: '12.00' },
      { name: 'photo', value: await pictureBytes(), filename: 'chair.jpg', type: 'image/jpeg' },
    ])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { ...user.headers, ...form.headers },
      payload: form.payload,
    })
    assert.deepEqual(assertInvalid(response), { title: ['Null characters (\\u0000) are not allowed.'] })
    assert.deepEqual(storedFiles(), before)
  })
})

describe('a complaint without a body', () => {
  it('is a 400 asking for an object, as on every JSON route, not a 500', async () => {
    const user = await signIn(t, [], { iban: REFUND_IBAN })
    const response = await t.app.inject({ method: 'POST', url: '/api/complaints', headers: user.headers })
    assert.deepEqual(assertInvalid(response), { non_field_errors: ['Expected an object.'] })
  })
})
