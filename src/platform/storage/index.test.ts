import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { loadConfig } from '../../config.ts'
import { fixedClock } from '../clock.ts'
import { createStorage } from './index.ts'

describe('createStorage', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bureau-storage-index-'))
  const clock = fixedClock('2026-03-02T12:00:00Z')
  const baseEnv = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://bureau.test',
    JWT_SECRET: 'storage-index-secret-that-is-long-enough-0123',
  }
  after(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps files on local disk under DATA_DIR/files and serves them from the app by default', async () => {
    const storage = createStorage(loadConfig(baseEnv), clock)
    await storage.put('a/b.txt', Buffer.from('x'), 'text/plain')
    assert.ok(storage.fileServer)
    assert.match(await storage.signedUrl('a/b.txt'), /^http:\/\/bureau\.test\/files\/a\/b\.txt\?/)
    assert.equal(readFileSync(path.join(dataDir, 'files', 'a', 'b.txt'), 'utf8'), 'x')
  })

  it('leaves serving to the bucket when S3_BUCKET is set', () => {
    const storage = createStorage(
      loadConfig({ ...baseEnv, S3_BUCKET: 'bureau', S3_ENDPOINT: 'http://127.0.0.1:9' }),
      clock,
    )
    assert.equal(storage.fileServer, undefined)
    storage.close()
  })
})
