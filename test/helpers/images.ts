import sharp from 'sharp'

/** A small real image of `width` × `height` pixels, as JPEG (default), PNG or WebP bytes. */
export async function pictureBytes(
  width = 40,
  height = 30,
  format: 'jpeg' | 'png' | 'webp' = 'jpeg',
): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
  return image.toFormat(format).toBuffer()
}

const BOUNDARY = 'bureau-test-boundary'

export interface FormPart {
  name: string
  value: string | Buffer
  filename?: string
  type?: string
}

/** A multipart/form-data body and its content type. */
export function multipartForm(parts: FormPart[]): { payload: Buffer; headers: { 'content-type': string } } {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"`
      : `form-data; name="${part.name}"`
    const type = part.type ? `Content-Type: ${part.type}\r\n` : ''
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`))
    chunks.push(Buffer.from(part.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  }
}
