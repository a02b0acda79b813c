import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'
import { fixedClock } from '../clock.ts'
import { createS3Storage } from './s3-storage.ts'
import { storageContract, type StorageUnderTest } from './storage.contract.ts'

const BUCKET = 'bureau-test'
/** s3rver's built-in account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

/** A real S3-protocol server on a free port over a throwaway directory, with the bucket created. */
async function startS3(): Promise<StorageUnderTest> {
  const directory = mkdtempSync(path.join(tmpdir(), 'bureau-s3rver-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  })
  const { port } = await server.run()
  const clock = fixedClock(new Date())
  const storage = createS3Storage({
    bucket: BUCKET,
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    defaultTtlSeconds: 3600,
    clock,
    credentials: CREDENTIALS,
  })
  return {
    storage,
    clock,
    fetch: async (url) => {
      const response = await fetch(url)
      return {
        status: response.status,
        body: Buffer.from(await response.arrayBuffer()),
        contentType: response.headers.get('content-type') ?? undefined,
      }
    },
    close: async () => {
      // The client's pooled connections would otherwise keep the server from closing.
      storage.close()
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

storageContract('S3 (against s3rver)', startS3)
