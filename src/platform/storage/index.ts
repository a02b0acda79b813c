import path from 'node:path'
import type { Config } from '../../config.ts'
import type { Clock } from '../clock.ts'
import { createLocalStorage, type LocalFileServer } from './local-storage.ts'
import { createS3Storage } from './s3-storage.ts'
import type { Storage } from './storage.ts'

export type { Storage, StoredFile } from './storage.ts'
export type { LocalFileServer } from './local-storage.ts'
export { registerFileRoutes } from './file-routes.ts'

/** The configured Storage, plus what the platform needs to serve and shut it down. */
export interface StorageDriver extends Storage {
  /**
   * Set when the app serves the files itself (local driver): pass it to `registerFileRoutes`.
   * Undefined for S3, whose presigned URLs point at the bucket.
   */
  readonly fileServer: LocalFileServer | undefined
  close(): void
}

/** Local disk under DATA_DIR/files by default; S3 when STORAGE_DRIVER=s3 (or S3_BUCKET is set). */
export function createStorage(config: Config, clock: Clock): StorageDriver {
  const { storage } = config
  if (storage.driver === 's3') {
    // config.ts refuses STORAGE_DRIVER=s3 without S3_BUCKET; this only narrows the type.
    if (storage.s3Bucket === undefined) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET.')
    const s3 = createS3Storage({
      bucket: storage.s3Bucket,
      region: storage.s3Region,
      endpoint: storage.s3Endpoint,
      forcePathStyle: storage.s3ForcePathStyle,
      defaultTtlSeconds: storage.urlTtlSeconds,
      clock,
    })
    return { ...s3, fileServer: undefined }
  }
  const local = createLocalStorage({
    root: path.join(config.dataDir, 'files'),
    publicUrl: config.publicUrl,
    secret: config.jwtSecret,
    clock,
    defaultTtlSeconds: storage.urlTtlSeconds,
  })
  return { ...local, fileServer: local, close: () => undefined }
}
