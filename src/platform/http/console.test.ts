import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../config.ts'
import { createLogger } from '../telemetry/logger.ts'
import { createHttpServer, type App } from './server.ts'

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(40) })
const SHELL = '<!doctype html><title>Bureau</title><div id="root"></div>'

async function server(consoleDir: string | false): Promise<App> {
  const app = await createHttpServer({ config, logger: createLogger(config), tags: [], consoleDir })
  app.get('/api/things', async () => ({ ok: true }))
  await app.ready()
  return app
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

describe('the console served at /', () => {
  let dir: string
  let app: App
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bureau-console-'))
    await mkdir(join(dir, 'assets'))
    await writeFile(join(dir, 'index.html'), SHELL)
    await writeFile(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log(1)')
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    app = await server(dir)
  })
  after(async () => {
    await app.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers a browser asking for any page of the console with the app shell, never cached', async () => {
    for (const url of ['/', '/payments/12', '/verify-email?token=abc', '/reset-password?token=x']) {
      const response = await app.inject({ method: 'GET', url, headers: html })
      assert.equal(response.statusCode, 200, url)
      assert.equal(response.body, SHELL)
      assert.match(String(response.headers['content-type']), /^text\/html/)
      assert.equal(response.headers['cache-control'], 'no-cache')
    }
  })

  it('serves hashed assets with a year-long immutable cache, and other files for an hour', async () => {
    const script = await app.inject({ method: 'GET', url: '/assets/index-Ab12Cd34.js' })
    assert.equal(script.statusCode, 200)
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.match(String(script.headers['content-type']), /javascript/)
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' })
    assert.equal(icon.headers['cache-control'], 'public, max-age=3600')
  })

  it('keeps the API and its OpenAPI document answering as before, and unknown API paths as 404 problems', async () => {
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/things', headers: html })).json(), {
      ok: true,
    })
    const openapi = await app.inject({ method: 'GET', url: '/openapi.json', headers: html })
    assert.equal(openapi.headers['content-type'], 'application/json; charset=utf-8')
    for (const url of ['/api/nothing', '/assets/missing.js', '/docs/nothing-here']) {
      const response = await app.inject({ method: 'GET', url, headers: html })
      assert.equal(response.statusCode, 404, url)
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/, url)
    }
  })

  it('answers API clients (not asking for HTML) and other methods on unknown paths with a 404 problem', async () => {
    const curl = await app.inject({ method: 'GET', url: '/payments/12', headers: { accept: '*/*' } })
    assert.equal(curl.statusCode, 404)
    assert.equal(curl.json<{ code: string }>().code, 'not_found')
    const post = await app.inject({ method: 'POST', url: '/payments/12', headers: html, payload: {} })
    assert.equal(post.statusCode, 404)
  })

  it('lets the console load only its own scripts, and images from itself, data: and blob: (photo previews)', async () => {
    const page = await app.inject({ method: 'GET', url: '/', headers: html })
    const policy = String(page.headers['content-security-policy'])
    assert.match(policy, /script-src 'self'(;|$)/)
    assert.match(policy, /img-src 'self' data: blob:/)
    assert.doesNotMatch(policy, /upgrade-insecure-requests/)
  })
})

describe('without a built console', () => {
  it('says how to build it at /, and the API works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bureau-console-empty-'))
    const app = await server(dir)
    try {
      const root = await app.inject({ method: 'GET', url: '/', headers: html })
      assert.equal(root.statusCode, 404)
      assert.match(root.json<{ detail: string }>().detail, /web\/tools\/build\.ts/)
      assert.equal((await app.inject({ method: 'GET', url: '/api/things' })).statusCode, 200)
    } finally {
      await app.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
