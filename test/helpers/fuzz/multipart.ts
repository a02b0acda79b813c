import { crc32 } from 'node:zlib'
import fc from 'fast-check'
import { jsonText, nastyString, onceIn, type Json } from './json.ts'
import { valueFor, type Schema } from './schema-values.ts'

export interface RawBody {
  contentType: string | undefined
  body: Buffer
}

const BOUNDARY = 'fuzz-boundary-7f3a'

interface Part {
  name: string
  value: Buffer
  filename?: string
  type?: string
}

/** A PNG header that claims 100 000 × 100 000 pixels: a decompression bomb, if decoded. */
function pixelBomb(): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(100_000, 0)
  header.writeUInt32BE(100_000, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const chunk = Buffer.concat([Buffer.from('IHDR'), header])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(chunk))
  const length = Buffer.alloc(4)
  length.writeUInt32BE(13)
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), length, chunk, crc])
}

/** What clients upload as a picture: a real one, a cut one, a bomb, something else, nothing. */
export function fileContents(picture: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(picture) },
    { weight: 1, arbitrary: fc.nat(picture.length).map((end) => picture.subarray(0, end)) },
    { weight: 1, arbitrary: fc.constant(pixelBomb()) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from('GIF89a\x01\x00\x01\x00'),
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        Buffer.alloc(0),
      ),
    },
  )
}

const fieldText = (value: Json) => Buffer.from(typeof value === 'string' ? value : jsonText(value))

const fileName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('photo.jpg', 'image.png', 'x.webp') },
  { weight: 1, arbitrary: fc.constantFrom('', '../../x.jpg', 'a\u0000.jpg', 'é.jpg', 'x'.repeat(300)) },
)

/** The parts of a form for `schema` (binary fields as files), some missing, one unknown, one twice. */
function partsFor(schema: Schema, picture: Buffer): fc.Arbitrary<Part[]> {
  const properties = Object.entries(schema.properties ?? {})
  const parts = properties.map(([name, property]) => {
    const part: fc.Arbitrary<Part> =
      property.format === 'binary'
        ? fc.record({
            name: fc.constant(name),
            value: fileContents(picture),
            filename: fileName,
            type: fc.constantFrom('image/jpeg', 'application/octet-stream'),
          })
        : valueFor(property).map((value) => ({ name, value: fieldText(value) }))
    return fc.option(part, { freq: 10, nil: undefined })
  })
  const extra = fc.oneof(
    fc.record({
      name: fc.constantFrom('colour', 'photo', 'image', '__proto__', 'constructor', ''),
      value: nastyString.map((text) => Buffer.from(text)),
    }),
    fc.record({
      name: fc.constantFrom('other', 'photo', 'image'),
      value: fileContents(picture),
      filename: fileName,
    }),
  )
  return fc
    .tuple(fc.tuple(...parts), onceIn(6, extra))
    .map(([chosen, more]) => [...chosen, more].filter((part) => part !== undefined))
    .chain((present) => fc.shuffledSubarray(present, { minLength: present.length }))
}

function encode(parts: Part[]): Buffer {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"`
    const type = part.type ? `Content-Type: ${part.type}\r\n` : ''
    chunks.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n${type}\r\n`,
      ),
    )
    chunks.push(part.value, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

/** Multipart bodies for a form: whole, cut short, with another boundary or none declared. */
export function multipartFor(schema: Schema, picture: Buffer): fc.Arbitrary<RawBody> {
  const good = `multipart/form-data; boundary=${BOUNDARY}`
  return fc
    .tuple(
      partsFor(schema, picture),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant('whole' as const) },
        { weight: 2, arbitrary: fc.constant('truncated' as const) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'multipart/form-data',
            'multipart/form-data; boundary=other',
            'multipart/mixed; boundary=' + BOUNDARY,
          ),
        },
      ),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(([parts, shape, cut]) => {
      const body = encode(parts)
      if (shape === 'whole') return { contentType: good, body }
      if (shape === 'truncated')
        return { contentType: good, body: body.subarray(0, Math.floor(body.length * cut)) }
      return { contentType: shape, body }
    })
}
