import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface SentRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: Buffer | undefined
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

/** Bodies longer than this, or not printable, go to a file the command reads. */
const INLINE_BODY_LIMIT = 2000

/**
 * The request as a curl command against a local server; the bearer token becomes `$TOKEN` (log in as
 * the caller named in the failure to get one).
 */
export function curlCommand(request: SentRequest, baseUrl = 'http://localhost:3000'): string {
  const parts = ['curl', '-sS', '-i', '-X', request.method, quote(baseUrl + request.url)]
  for (const [name, value] of Object.entries(request.headers)) {
    const shown = name === 'authorization' ? value.replace(/^Bearer [\w.-]{60,}$/, 'Bearer $TOKEN') : value
    parts.push(
      '-H',
      name === 'authorization' && shown !== value ? `"${name}: ${shown}"` : quote(`${name}: ${shown}`),
    )
  }
  const body = request.body
  // Without a Content-Type of its own, curl would send a body as a form.
  if (body !== undefined && request.headers['content-type'] === undefined)
    parts.push('-H', quote('content-type:'))
  if (body !== undefined) {
    const text = body.toString('utf8')
    const printable = Buffer.from(text).equals(body) && /^[^\p{Cc}]*$/u.test(text.replace(/[\t\n\r]/g, ''))
    if (printable && body.length <= INLINE_BODY_LIMIT) parts.push('--data-binary', quote(text))
    else {
      const file = path.join(tmpdir(), `bureau-fuzz-body-${process.pid}-${Date.now()}.bin`)
      writeFileSync(file, body)
      parts.push('--data-binary', quote(`@${file}`))
    }
  }
  return parts.join(' ')
}
