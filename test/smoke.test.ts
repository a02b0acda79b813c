import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import { signIn } from './helpers/accounts.ts'

describe('a freshly built Bureau', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('reports itself ready', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/ready' })
    assert.equal(response.statusCode, 200)
    assert.equal(response.json<{ status: string }>().status, 'ok')
  })

  it('lets a registered user read their own account', async () => {
    const user = await signIn(t, ['operator'])
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: user.headers })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json<{ roles: string[] }>().roles, ['operator'])
  })
})
