import type { Readable } from 'node:stream'

/** A stored file's bytes and what they are. */
export interface StoredFile {
  body: Readable
  contentType: string
  size: number
}

/**
 * Where files live: local disk by default, S3 (or MinIO, R2) in production. Keys are relative
 * paths made of [A-Za-z0-9._-] segments separated by '/'; callers choose random keys.
 */
export interface Storage {
  put(key: string, body: Buffer | Readable, contentType: string): Promise<void>
  /** The file, or undefined when there is none under `key`. */
  get(key: string): Promise<StoredFile | undefined>
  /** Removes the file; removing a missing file is not an error. */
  delete(key: string): Promise<void>
  /** An absolute URL that serves the file to anyone holding it, until it expires. */
  signedUrl(key: string, expiresInSeconds?: number): Promise<string>
}
