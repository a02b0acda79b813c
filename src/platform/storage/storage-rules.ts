import { AppError } from '../errors.ts'

/**
 * Rules both drivers enforce, so a key or content type that works on local disk works on S3 and
 * the other way round.
 */

/** S3 limits keys to 1024 bytes; a segment also becomes a file name (255 bytes on most disks). */
const MAX_KEY_LENGTH = 1024
const MAX_SEGMENT_LENGTH = 200
/**
 * Letters, digits, '.', '_' and '-', never starting with a dot: that rules out '.' and '..' (no way
 * out of the root) and keeps dot-directories free for the local driver's own bookkeeping.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/
/** type/subtype with optional parameters, printable ASCII only: it is sent back as a header. */
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;[\x20-\x7e]*)?$/
const MAX_CONTENT_TYPE_LENGTH = 255
/** S3 refuses presigned URLs valid for longer than seven days; local disk keeps the same limit. */
export const MAX_URL_TTL_SECONDS = 7 * 24 * 3600

export function isValidKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && key.split('/').every(isValidSegment)
}

function isValidSegment(segment: string): boolean {
  return segment.length <= MAX_SEGMENT_LENGTH && SEGMENT.test(segment)
}

export function assertValidKey(key: string): void {
  if (!isValidKey(key)) {
    throw new AppError(
      'invalid',
      'invalid_storage_key',
      'A storage key is made of segments of letters, digits, ".", "_" and "-" separated by "/", none starting with a dot.',
    )
  }
}

export function assertValidContentType(contentType: string): void {
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH || !CONTENT_TYPE.test(contentType)) {
    throw new AppError('invalid', 'invalid_content_type', 'A content type looks like "image/png".')
  }
}

export function assertValidUrlTtl(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_URL_TTL_SECONDS) {
    throw new AppError(
      'invalid',
      'invalid_url_ttl',
      `A signed URL lives from 1 to ${MAX_URL_TTL_SECONDS} seconds.`,
    )
  }
}
