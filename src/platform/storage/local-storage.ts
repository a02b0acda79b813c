import { randomBytes } from 'node:crypto'
import { constants, createWriteStream } from 'node:fs'
import { mkdir, open, readFile, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Clock } from '../clock.ts'
import { AppError } from '../errors.ts'
import type { Storage, StoredFile } from './storage.ts'
import { assertValidContentType, assertValidKey, assertValidUrlTtl, isValidKey } from './storage-rules.ts'
import { deriveSigningKey, fileUrlSignatureMatches, signFileUrl } from './url-signature.ts'

export interface LocalStorageOptions {
  /** Directory of the files (DATA_DIR/files); created on first write. */
  root: string
  /** Where clients reach the app (PUBLIC_URL); signed URLs start with it. */
  publicUrl: string
  /** The app secret; the URL signing key is derived from it under a label of its own. */
  secret: string
  clock: Clock
  defaultTtlSeconds: number
}

/** What GET /files/* needs from the local driver. */
export interface LocalFileServer {
  /**
   * Seconds the URL has left. Throws a forbidden AppError (`invalid_signature`, `url_expired`) when
   * this app did not sign exactly this key and expiry, or the expiry has passed.
   */
  verifySignedUrl(key: string, expires: string | undefined, signature: string | undefined): number
  get(key: string): Promise<StoredFile | undefined>
}

export interface LocalStorage extends Storage, LocalFileServer {}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream'
const EXPIRES = /^\d{1,12}$/
/**
 * Refuses a symlink as the file itself. Windows has no O_NOFOLLOW (the typings claim it always
 * exists); there only the operator could plant a link under the root anyway.
 */
const OPEN_FLAGS = constants.O_RDONLY | ('O_NOFOLLOW' in constants ? constants.O_NOFOLLOW : 0)

/**
 * Files on local disk: the bytes at `<root>/<key>` (so an operator can back them up or inspect
 * them), the content type in `<root>/.meta/<key>.json`, half-written files in `<root>/.tmp/`. Keys
 * never have a segment starting with a dot, so no key reaches the two bookkeeping folders.
 */
export function createLocalStorage(options: LocalStorageOptions): LocalStorage {
  if (options.secret === '') throw new Error('Local storage needs a secret to sign file URLs.')
  const root = path.resolve(options.root)
  const metaRoot = path.join(root, '.meta')
  const tmpRoot = path.join(root, '.tmp')
  const publicUrl = options.publicUrl.replace(/\/+$/, '')
  const signingKey = deriveSigningKey(options.secret)
  const { clock } = options

  const dataPath = (key: string) => inside(root, key)
  const metaPath = (key: string) => inside(metaRoot, `${key}.json`)

  async function put(key: string, body: Buffer | Readable, contentType: string): Promise<void> {
    assertValidKey(key)
    assertValidContentType(contentType)
    await mkdir(tmpRoot, { recursive: true })
    const tmpData = path.join(tmpRoot, randomBytes(16).toString('hex'))
    const tmpMeta = `${tmpData}.json`
    try {
      await writeDurably(tmpData, body)
      await writeDurably(tmpMeta, Buffer.from(JSON.stringify({ contentType })))
      await renameInto(tmpMeta, metaPath(key))
      // Renaming is atomic: a reader sees the old file or the new one, never a partial write.
      await renameInto(tmpData, dataPath(key))
    } finally {
      await rm(tmpData, { force: true })
      await rm(tmpMeta, { force: true })
    }
  }

  async function get(key: string): Promise<StoredFile | undefined> {
    assertValidKey(key)
    const handle = await openExisting(dataPath(key))
    if (!handle) return undefined
    try {
      const stats = await handle.stat()
      if (!stats.isFile()) {
        await handle.close()
        return undefined
      }
      const contentType = await readContentType(metaPath(key))
      // Streaming from the handle opened above serves the file as it was then, even if it is replaced.
      return { body: handle.createReadStream(), contentType, size: stats.size }
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  async function remove(key: string): Promise<void> {
    assertValidKey(key)
    await unlinkIfPresent(dataPath(key))
    await unlinkIfPresent(metaPath(key))
  }

  async function signedUrl(key: string, expiresInSeconds = options.defaultTtlSeconds): Promise<string> {
    assertValidKey(key)
    assertValidUrlTtl(expiresInSeconds)
    const expires = Math.floor(clock.now().getTime() / 1000) + expiresInSeconds
    const signature = signFileUrl(signingKey, key, expires)
    // Key characters are all URL-safe, so the key goes into the path as it is.
    return `${publicUrl}/files/${key}?expires=${expires}&signature=${signature}`
  }

  function verifySignedUrl(key: string, expires: string | undefined, signature: string | undefined): number {
    // This app never signs an invalid key, so such a URL is as forged as a wrong signature.
    if (!isValidKey(key) || expires === undefined || signature === undefined || !EXPIRES.test(expires)) {
      throw invalidSignature()
    }
    if (!fileUrlSignatureMatches(signingKey, key, Number(expires), signature)) throw invalidSignature()
    const millisecondsLeft = Number(expires) * 1000 - clock.now().getTime()
    if (millisecondsLeft <= 0) {
      throw new AppError('forbidden', 'url_expired', 'This file link has expired; ask for a new one.')
    }
    return Math.floor(millisecondsLeft / 1000)
  }

  return { put, get, delete: remove, signedUrl, verifySignedUrl }
}

function invalidSignature(): AppError {
  return new AppError('forbidden', 'invalid_signature', 'This file link is not valid.')
}

/** Resolves `relative` under `base`, refusing anything that would land elsewhere (defence in depth). */
function inside(base: string, relative: string): string {
  const full = path.resolve(base, relative)
  if (!full.startsWith(base + path.sep)) {
    throw new AppError('invalid', 'invalid_storage_key', 'The storage key leaves the storage root.')
  }
  return full
}

/** Flushed to disk before the rename, so a crash cannot leave an empty file under the final name. */
async function writeDurably(file: string, body: Buffer | Readable): Promise<void> {
  if (Buffer.isBuffer(body)) await writeFile(file, body, { flag: 'wx', flush: true })
  else await pipeline(body, createWriteStream(file, { flags: 'wx', flush: true }))
}

async function renameInto(from: string, to: string): Promise<void> {
  try {
    await mkdir(path.dirname(to), { recursive: true })
    await rename(from, to)
  } catch (error) {
    // On disk "a" cannot be both a file and the folder of "a/b" (S3 has no such limit).
    if (hasCode(error, 'EEXIST', 'ENOTDIR', 'EISDIR')) {
      throw new AppError(
        'conflict',
        'storage_key_conflict',
        'The storage key clashes with a file or folder of another key.',
        { cause: error },
      )
    }
    throw error
  }
}

async function openExisting(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, OPEN_FLAGS)
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) return undefined
    throw error
  }
}

async function readContentType(metaFile: string): Promise<string> {
  try {
    const meta: unknown = JSON.parse(await readFile(metaFile, 'utf8'))
    const contentType = (meta as { contentType?: unknown } | null)?.contentType
    return typeof contentType === 'string' ? contentType : DEFAULT_CONTENT_TYPE
  } catch (error) {
    // A file copied in by hand has no metadata; serve it as opaque bytes.
    if (hasCode(error, 'ENOENT')) return DEFAULT_CONTENT_TYPE
    throw error
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file)
  } catch (error) {
    // EISDIR: "a" is only the folder of "a/b", so there is no file "a" to remove.
    if (!hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) throw error
  }
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && codes.includes(code)
}
