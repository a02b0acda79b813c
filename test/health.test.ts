import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from './helpers/app.ts'

interface Readiness {
  status: string
  checks: Record<string, string>
}

describe('health and readiness', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('/health answers 200 {status: "ok"}', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { status: 'ok' })
  })

  it('/ready answers 200 with the database check ok', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/ready' })
    assert.equal(response.statusCode, 200, response.body)
    const body = response.json<Readiness>()
    assert.equal(body.status, 'ok')
    assert.equal(body.checks.database, 'ok')
  })
})

describe('readiness without a database', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
    await t.platform.database.close()
  })
  after(() => t.close())

  it('/ready answers 503 naming the database as failed', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/ready' })
    assert.equal(response.statusCode, 503, response.body)
    const body = response.json<Readiness>()
    assert.equal(body.status, 'unavailable')
    assert.equal(body.checks.database, 'failed')
  })

  it('/health still answers 200: the process itself is alive', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(response.statusCode, 200)
  })
})
