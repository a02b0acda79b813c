import assert from 'node:assert/strict'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../config.ts'
import { fixedClock } from '../clock.ts'
import { createHttpServer, type App } from '../http/server.ts'
import { createLogger } from '../telemetry/logger.ts'
import { registerFileRoutes } from './file-routes.ts'
import { createLocalStorage, type LocalStorage } from './local-storage.ts'
import { storageContract, type FetchedUrl, type StorageUnderTest } from './storage.contract.ts'
import { deriveSigningKey, signFileUrl } from './url-signature.ts'

const PUBLIC_URL = 'http://bureau.test'
const SECRET = 'storage-test-secret-that-is-long-enough-0123456789'
const OUTSIDE_CONTENT = 'outside-the-root'

interface LocalUnderTest extends StorageUnderTest {
  storage: LocalStorage
  app: App
  /** DATA_DIR; the files live in `<base>/files`, and `<base>/secret.txt` must never be served. */
  base: string
  root: string
}

/** The local driver behind the app's file route, on a bare HTTP server with the API's conventions. */
async function startLocal(): Promise<LocalUnderTest> {
  const base = mkdtempSync(path.join(tmpdir(), 'bureau-storage-'))
  const root = path.join(base, 'files')
  writeFileSync(path.join(base, 'secret.txt'), OUTSIDE_CONTENT)
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_URL,
    DATA_DIR: base,
    JWT_SECRET: SECRET,
  })
  const clock = fixedClock(new Date())
  const storage = createLocalStorage({
    root,
    publicUrl: PUBLIC_URL,
    secret: SECRET,
    clock,
    defaultTtlSeconds: 3600,
  })
  const app = await createHttpServer({ config, logger: createLogger(config), tags: [] })
  registerFileRoutes(app, storage)
  await app.ready()
  return {
    storage,
    clock,
    app,
    base,
    root,
    fetch: (url) => fetchThroughApp(app, url),
    close: async () => {
      await app.close()
      rmSync(base, { recursive: true, force: true })
    },
  }
}

async function fetchThroughApp(app: App, url: string): Promise<FetchedUrl> {
  const { origin, pathname, search } = new URL(url)
  assert.equal(origin, PUBLIC_URL)
  const response = await app.inject({ method: 'GET', url: pathname + search })
  return {
    status: response.statusCode,
    body: response.rawPayload,
    contentType: response.headers['content-type'],
  }
}

storageContract('local disk', startLocal)

describe('local storage and its signed file route', () => {
  let local: LocalUnderTest
  let keys = 0
  const newKey = () => `local/file-${++keys}.txt`
  const get = (pathAndQuery: string) => local.app.inject({ method: 'GET', url: pathAndQuery })
  const pathOf = (url: string) => {
    const { pathname, search } = new URL(url)
    return pathname + search
  }
  /** A stored file and the path and query of its signed URL. */
  const storedFile = async (ttlSeconds = 600) => {
    const key = newKey()
    await local.storage.put(key, Buffer.from('hello'), 'text/plain')
    return { key, path: pathOf(await local.storage.signedUrl(key, ttlSeconds)) }
  }

  before(async () => {
    local = await startLocal()
    // On a whole second, so a URL's expiry (whole seconds) is exactly its lifetime away.
    local.clock.set('2026-03-02T12:00:00Z')
  })
  after(() => local.close())

  it('signs URLs on the public URL under /files/<key>', async () => {
    const url = await local.storage.signedUrl('a/b.png', 60)
    assert.match(url, /^http:\/\/bureau\.test\/files\/a\/b\.png\?expires=\d+&signature=[\w-]{43}$/)
  })

  it('keeps the bytes at <root>/<key>, where an operator can back them up', async () => {
    const key = newKey()
    await local.storage.put(key, Buffer.from('on disk'), 'text/plain')
    assert.equal(readFileSync(path.join(local.root, key), 'utf8'), 'on disk')
  })

  it('keeps the previous file when a write fails midway', async () => {
    const key = newKey()
    await local.storage.put(key, Buffer.from('previous'), 'text/plain')
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('partial')
        throw new Error('client went away')
      })(),
    )
    await assert.rejects(local.storage.put(key, failing, 'text/plain'), /client went away/)
    const file = await local.storage.get(key)
    assert.ok(file)
    assert.equal((await buffer(file.body)).toString(), 'previous')
    assert.deepEqual(readdirSync(path.join(local.root, '.tmp')), [])
  })

  it('serves a file with its length, nosniff and an inline disposition', async () => {
    const { path: url } = await storedFile()
    const response = await get(url)
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['content-length'], '5')
    assert.equal(response.headers['x-content-type-options'], 'nosniff')
    assert.equal(response.headers['content-disposition'], 'inline')
  })

  it('lets only private caches keep a file, for the time its URL has left', async () => {
    const { path: url } = await storedFile(600)
    local.clock.advance(100_000)
    const response = await get(url)
    assert.equal(response.headers['cache-control'], 'private, max-age=500')
  })

  it('serves files in a sandbox, so uploaded HTML cannot run scripts on the API origin', async () => {
    const key = newKey()
    await local.storage.put(key, Buffer.from('<script>alert(1)</script>'), 'text/html')
    const response = await get(pathOf(await local.storage.signedUrl(key, 60)))
    assert.equal(response.headers['content-type'], 'text/html')
    assert.match(String(response.headers['content-security-policy']), /sandbox/)
  })

  it('refuses a URL whose signature was altered', async () => {
    const { path: url } = await storedFile()
    const tampered = url.replace(
      /signature=(.)/,
      (_match, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`,
    )
    assertProblem(await get(tampered), 403, 'invalid_signature')
  })

  it('refuses a URL whose key was changed to another stored file', async () => {
    const first = await storedFile()
    const second = await storedFile()
    const tampered = first.path.replace(first.key, second.key)
    assertProblem(await get(tampered), 403, 'invalid_signature')
  })

  it('refuses a URL whose expiry was pushed back', async () => {
    const { path: url } = await storedFile()
    const tampered = url.replace(
      /expires=(\d+)/,
      (_match, expires: string) => `expires=${Number(expires) + 3600}`,
    )
    assertProblem(await get(tampered), 403, 'invalid_signature')
  })

  it('refuses a URL without its signature', async () => {
    const { path: url } = await storedFile()
    assertProblem(await get(url.replace(/&signature=.*$/, '')), 403, 'invalid_signature')
  })

  it('refuses a URL signed with another secret', async () => {
    const key = newKey()
    await local.storage.put(key, Buffer.from('hello'), 'text/plain')
    const other = createLocalStorage({
      root: local.root,
      publicUrl: PUBLIC_URL,
      secret: `${SECRET}-other`,
      clock: local.clock,
      defaultTtlSeconds: 60,
    })
    assertProblem(await get(pathOf(await other.signedUrl(key))), 403, 'invalid_signature')
  })

  it('serves a URL until its expiry', async () => {
    const { path: url } = await storedFile(60)
    local.clock.advance(59_999)
    assert.equal((await get(url)).statusCode, 200)
  })

  it('refuses a URL from its expiry on, as url_expired', async () => {
    const { path: url } = await storedFile(60)
    local.clock.advance(60_000)
    assertProblem(await get(url), 403, 'url_expired')
  })

  it('answers 404 for a validly signed URL of a file that is not there', async () => {
    const url = pathOf(await local.storage.signedUrl(newKey(), 60))
    assertProblem(await get(url), 404, 'file_not_found')
  })

  it('never serves a file outside the root, even under a correct signature for the path', async () => {
    // Signed with the real key, as if the secret had leaked: only key validation stands in the way.
    const signingKey = deriveSigningKey(SECRET)
    const expires = Math.floor(local.clock.now().getTime() / 1000) + 60
    const attempts: [rawPath: string, decodedKey: string][] = [
      ['/files/../secret.txt', '../secret.txt'],
      ['/files/%2e%2e/secret.txt', '../secret.txt'],
      ['/files/%2E%2E/secret.txt', '../secret.txt'],
      ['/files/..%2fsecret.txt', '../secret.txt'],
      ['/files/%2e%2e%2fsecret.txt', '../secret.txt'],
      ['/files/x/../../secret.txt', 'x/../../secret.txt'],
      ['/files/..%5csecret.txt', '..\\secret.txt'],
      [
        `/files/${encodeURIComponent(path.join(local.base, 'secret.txt'))}`,
        path.join(local.base, 'secret.txt'),
      ],
      ['/files//etc/passwd', '/etc/passwd'],
    ]
    for (const [rawPath, decodedKey] of attempts) {
      const query = `?expires=${expires}&signature=${signFileUrl(signingKey, decodedKey, expires)}`
      // Over a socket, so the path reaches the server exactly as written, dots and all.
      const response = await rawGet(local.app, rawPath + query)
      assert.ok([403, 404].includes(response.status), `${rawPath} answered ${response.status}`)
      assert.doesNotMatch(response.body, new RegExp(OUTSIDE_CONTENT), rawPath)
    }
  })

  it('does not follow a symlink planted under the root', async () => {
    mkdirSync(local.root, { recursive: true })
    symlinkSync(path.join(local.base, 'secret.txt'), path.join(local.root, 'link.txt'))
    const response = await get(pathOf(await local.storage.signedUrl('link.txt', 60)))
    assertProblem(response, 404, 'file_not_found')
  })

  it('keeps its metadata folder out of reach of any URL', async () => {
    const key = newKey()
    await local.storage.put(key, Buffer.from('hello'), 'text/plain')
    mkdirSync(path.join(local.root, '.meta'), { recursive: true })
    const metaKey = `.meta/${key}.json`
    const signingKey = deriveSigningKey(SECRET)
    const expires = Math.floor(local.clock.now().getTime() / 1000) + 60
    const url = `/files/${metaKey}?expires=${expires}&signature=${signFileUrl(signingKey, metaKey, expires)}`
    assertProblem(await get(url), 403, 'invalid_signature')
  })
})

function assertProblem(response: Awaited<ReturnType<App['inject']>>, status: number, code: string): void {
  assert.equal(response.statusCode, status)
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
  assert.equal(response.json<{ code: string }>().code, code)
}

/** GET over a real socket; unlike URL-based clients, node:http sends the path without normalising it. */
async function rawGet(app: App, rawPath: string): Promise<{ status: number; body: string }> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (response) => {
      buffer(response).then((body) => {
        resolve({ status: response.statusCode ?? 0, body: body.toString() })
      }, reject)
    })
    request.on('error', reject)
    request.end()
  })
}
