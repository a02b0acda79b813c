import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import type { FixedClock } from '../clock.ts'
import { AppError } from '../errors.ts'
import type { Storage } from './storage.ts'

/** What a signed URL answered, whoever served it (the app or the S3 server). */
export interface FetchedUrl {
  status: number
  body: Buffer
  contentType: string | undefined
}

/** A driver under test, with a way to follow its signed URLs as a browser would. */
export interface StorageUnderTest {
  storage: Storage
  /** The clock the driver was given; starts at the real time, because S3 servers check theirs. */
  clock: FixedClock
  fetch(url: string): Promise<FetchedUrl>
  close(): Promise<void>
}

const INVALID_KEYS = [
  '',
  '/absolute',
  'a//b',
  'a/',
  '..',
  '../escape',
  'a/../b',
  'a/./b',
  '.hidden',
  'a\\b',
  'with space',
  'é',
  'a%2fb',
  'x'.repeat(201),
]

const SIX_MEBIBYTES = 6 * 1024 * 1024

/**
 * The behaviour every Storage driver must have. Node's test runner awaits describe/it itself; the
 * `void` only tells the linter so outside a *.test.ts file.
 */
export function storageContract(name: string, start: () => Promise<StorageUnderTest>): void {
  void describe(`${name} storage contract`, () => {
    let driver: StorageUnderTest
    let storage: Storage
    let keys = 0
    /** A fresh key per test, so tests never see each other's files. */
    const newKey = (prefix = 'contract') => `${prefix}/file-${++keys}.bin`

    before(async () => {
      driver = await start()
      storage = driver.storage
    })
    after(() => driver.close())

    void it('returns the bytes, content type and size of a stored buffer', async () => {
      const key = newKey()
      await storage.put(key, Buffer.from('hello'), 'text/plain')
      const file = await storage.get(key)
      assert.ok(file)
      assert.equal((await buffer(file.body)).toString(), 'hello')
      assert.equal(file.contentType, 'text/plain')
      assert.equal(file.size, 5)
    })

    void it('stores a stream as the concatenation of its chunks', async () => {
      const key = newKey()
      await storage.put(key, Readable.from([Buffer.from('str'), Buffer.from('eam')]), 'application/pdf')
      const file = await storage.get(key)
      assert.ok(file)
      assert.equal((await buffer(file.body)).toString(), 'stream')
      assert.equal(file.contentType, 'application/pdf')
    })

    void it('stores a stream larger than one upload part', async () => {
      const key = newKey()
      const bytes = Buffer.alloc(SIX_MEBIBYTES, 7)
      bytes.write('end', SIX_MEBIBYTES - 3)
      const chunks = [bytes.subarray(0, 1024 * 1024), bytes.subarray(1024 * 1024)]
      await storage.put(key, Readable.from(chunks), 'application/octet-stream')
      const file = await storage.get(key)
      assert.ok(file)
      assert.equal(file.size, SIX_MEBIBYTES)
      assert.ok((await buffer(file.body)).equals(bytes))
    })

    void it('keeps content type parameters as given', async () => {
      const key = newKey()
      await storage.put(key, Buffer.from('olá'), 'text/plain; charset=utf-8')
      assert.equal((await storage.get(key))?.contentType, 'text/plain; charset=utf-8')
    })

    void it('replaces the bytes and content type of a key written again', async () => {
      const key = newKey()
      await storage.put(key, Buffer.from('first version'), 'text/plain')
      await storage.put(key, Buffer.from('<svg/>'), 'image/svg+xml')
      const file = await storage.get(key)
      assert.ok(file)
      assert.equal((await buffer(file.body)).toString(), '<svg/>')
      assert.equal(file.contentType, 'image/svg+xml')
    })

    void it('returns undefined for a key never stored', async () => {
      assert.equal(await storage.get(newKey('missing')), undefined)
    })

    void it('forgets a deleted file', async () => {
      const key = newKey()
      await storage.put(key, Buffer.from('bye'), 'text/plain')
      await storage.delete(key)
      assert.equal(await storage.get(key), undefined)
    })

    void it('deletes a missing key without error', async () => {
      await storage.delete(newKey('missing'))
    })

    void it('refuses to store under a key outside [A-Za-z0-9._-] segments', async () => {
      for (const key of INVALID_KEYS) {
        await assert.rejects(
          storage.put(key, Buffer.from('x'), 'text/plain'),
          isInvalid('invalid_storage_key'),
          key,
        )
      }
    })

    void it('refuses to read, delete or sign an invalid key', async () => {
      for (const key of INVALID_KEYS) {
        await assert.rejects(storage.get(key), isInvalid('invalid_storage_key'), key)
        await assert.rejects(storage.delete(key), isInvalid('invalid_storage_key'), key)
        await assert.rejects(storage.signedUrl(key), isInvalid('invalid_storage_key'), key)
      }
    })

    void it('refuses a content type that is not type/subtype', async () => {
      for (const contentType of ['', 'text', 'text/plain\r\nx-evil: 1', 'a b/c']) {
        await assert.rejects(
          storage.put(newKey(), Buffer.from('x'), contentType),
          isInvalid('invalid_content_type'),
          contentType,
        )
      }
    })

    void it('refuses a signed URL lifetime outside 1 second to 7 days', async () => {
      for (const seconds of [0, -1, 1.5, 7 * 24 * 3600 + 1]) {
        await assert.rejects(
          storage.signedUrl(newKey(), seconds),
          isInvalid('invalid_url_ttl'),
          String(seconds),
        )
      }
    })

    void it('serves the file with its content type at its signed URL', async () => {
      const key = newKey()
      await storage.put(key, Buffer.from('%PDF-1.7'), 'application/pdf')
      const response = await driver.fetch(await storage.signedUrl(key, 60))
      assert.equal(response.status, 200)
      assert.equal(response.body.toString(), '%PDF-1.7')
      assert.equal(response.contentType, 'application/pdf')
    })

    void it('refuses a signed URL once it has expired', async () => {
      const key = newKey()
      await storage.put(key, Buffer.from('expired-link-content'), 'text/plain')
      // Signed an hour ago for a minute; the S3 server checks expiry against its real clock.
      const realNow = new Date()
      driver.clock.set(new Date(realNow.getTime() - 3600_000))
      const url = await storage.signedUrl(key, 60)
      driver.clock.set(realNow)
      const response = await driver.fetch(url)
      assert.equal(response.status, 403)
      assert.doesNotMatch(response.body.toString(), /expired-link-content/)
    })
  })
}

function isInvalid(code: string): (error: unknown) => boolean {
  return (error) => error instanceof AppError && error.kind === 'invalid' && error.code === code
}
