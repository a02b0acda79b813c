import { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { Clock } from '../clock.ts'
import type { Storage, StoredFile } from './storage.ts'
import { assertValidContentType, assertValidKey, assertValidUrlTtl } from './storage-rules.ts'

export interface S3StorageOptions {
  bucket: string
  region: string
  /** For S3-compatible servers (MinIO, R2); AWS itself when absent. */
  endpoint?: string | undefined
  /** Bucket in the path rather than the host name, as MinIO and most self-hosted servers need. */
  forcePathStyle: boolean
  defaultTtlSeconds: number
  /** Presigned URLs are dated by it, so their expiry follows the app's notion of now. */
  clock: Clock
  /** Only for tests; in production the SDK's default chain (environment, profile, instance role) applies. */
  credentials?: S3ClientConfig['credentials']
}

export interface S3Storage extends Storage {
  /** Closes the client's pooled connections. */
  close(): void
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

/** Files in an S3 bucket (or MinIO, R2), served to clients by presigned GET URLs. */
export function createS3Storage(options: S3StorageOptions): S3Storage {
  const { bucket, clock } = options
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
  })

  async function put(key: string, body: Buffer | Readable, contentType: string): Promise<void> {
    assertValidKey(key)
    assertValidContentType(contentType)
    // A stream's length is unknown up front, which a plain PutObject refuses; Upload sends small
    // bodies in one PutObject and large ones as a multipart upload, in parts of at most 5 MiB.
    await new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
    }).done()
  }

  async function get(key: string): Promise<StoredFile | undefined> {
    assertValidKey(key)
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      if (!(object.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}.`)
      return {
        body: object.Body,
        contentType: object.ContentType ?? DEFAULT_CONTENT_TYPE,
        size: object.ContentLength ?? 0,
      }
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined
      throw error
    }
  }

  async function remove(key: string): Promise<void> {
    assertValidKey(key)
    // S3 answers 204 for a missing key too, so deleting twice is harmless.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
  }

  async function signedUrl(key: string, expiresInSeconds = options.defaultTtlSeconds): Promise<string> {
    assertValidKey(key)
    assertValidUrlTtl(expiresInSeconds)
    return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: expiresInSeconds,
      signingDate: clock.now(),
    })
  }

  return {
    put,
    get,
    delete: remove,
    signedUrl,
    close: () => {
      client.destroy()
    },
  }
}
