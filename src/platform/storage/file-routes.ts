import { Type } from 'typebox'
import { notFound } from '../errors.ts'
import type { App } from '../http/server.ts'
import type { LocalFileServer } from './local-storage.ts'

const FileParams = Type.Object({ '*': Type.String() })

/**
 * Both optional: a link missing either is answered like a forged one (403), not as a malformed
 * request (400), so whoever holds a broken link gets the same answer whatever was changed.
 */
const SignedFileQuery = Type.Object({
  expires: Type.Optional(Type.String({ maxLength: 20 })),
  signature: Type.Optional(Type.String({ maxLength: 100 })),
})

/**
 * GET /files/<key>?expires=…&signature=… serves the local driver's files to whoever holds a URL from
 * `storage.signedUrl`. Only for the local driver: S3 serves its own presigned URLs.
 */
export function registerFileRoutes(app: App, files: LocalFileServer): void {
  app.get(
    '/files/*',
    // Hidden from OpenAPI: clients never build these URLs, they follow ones the API gave them.
    { schema: { hide: true, params: FileParams, querystring: SignedFileQuery } },
    async (request, reply) => {
      const key = request.params['*']
      const secondsLeft = files.verifySignedUrl(key, request.query.expires, request.query.signature)
      const file = await files.get(key)
      if (!file) throw notFound('File', 'file_not_found')
      return reply
        .headers({
          'content-type': file.contentType,
          'content-length': file.size,
          // Private: the URL is a credential; shared caches must not hand the file to others.
          'cache-control': `private, max-age=${secondsLeft}`,
          'x-content-type-options': 'nosniff',
          'content-disposition': 'inline',
          // Uploaded HTML or SVG opened from this origin must not run scripts or reach the API.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
          // Anyone holding the link may embed the file, from any origin (as with an S3 presigned URL).
          'cross-origin-resource-policy': 'cross-origin',
        })
        .send(file.body)
    },
  )
}
