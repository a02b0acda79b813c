import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/**
 * HMAC signatures of the local driver's file URLs. The signing key is derived from the app secret
 * under a label of its own, so a file URL signature can never stand in for a JWT or the reverse.
 */
const LABEL = 'bureau/storage/signed-file-url/v1'

export function deriveSigningKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', LABEL, 32))
}

/** The newline keeps (key, expires) pairs apart: keys never contain one. */
export function signFileUrl(signingKey: Buffer, key: string, expires: number): string {
  return createHmac('sha256', signingKey).update(`${key}\n${expires}`).digest('base64url')
}

/**
 * Compares the text as given rather than decoded bytes: base64url decoding skips characters it
 * does not know, so decoding first would accept altered signatures.
 */
export function fileUrlSignatureMatches(
  signingKey: Buffer,
  key: string,
  expires: number,
  given: string,
): boolean {
  const expected = Buffer.from(signFileUrl(signingKey, key, expires))
  const actual = Buffer.from(given)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}
