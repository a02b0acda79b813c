import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buffer } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import sharp from 'sharp'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { fixedClock, type FixedClock } from '../clock.ts'
import type { Database } from '../database/database.ts'
import { transaction } from '../database/transaction.ts'
import { AppError } from '../errors.ts'
import { createJobs, type Jobs } from '../jobs/jobs.ts'
import { createLocalStorage } from '../storage/local-storage.ts'
import type { Storage } from '../storage/storage.ts'
import { createLogger } from '../telemetry/logger.ts'
import { createImages, type Images } from './images.ts'

const MAX_BYTES = 2 * 1024 * 1024
const MAX_PIXELS = 4_000_000

let database: Database
let jobs: Jobs
let storage: Storage
let clock: FixedClock
let sweepOrphanUploads: () => Promise<number>
let images: Images
let root: string

before(async () => {
  database = await createTestDatabase()
  root = mkdtempSync(path.join(tmpdir(), 'bureau-images-'))
  clock = fixedClock('2026-03-02T12:00:00Z')
  storage = createLocalStorage({
    root,
    publicUrl: 'http://bureau.test',
    secret: 'test-secret-that-is-long-enough-for-signing',
    clock,
    defaultTtlSeconds: 600,
  })
  jobs = createJobs(database, createLogger({ logLevel: 'silent' }), { maintenance: false })
  const created = createImages({
    db: database.db,
    storage,
    jobs,
    clock,
    limits: { maxBytes: MAX_BYTES, maxPixels: MAX_PIXELS },
  })
  images = created.images
  sweepOrphanUploads = created.sweepOrphanUploads
  jobs.register([created.processImage, created.sweepOrphans])
  await jobs.start()
})
after(async () => {
  await jobs.stop(1000)
  await database.close()
  rmSync(root, { recursive: true, force: true })
})

function picture(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
}

async function accept(bytes: Buffer): Promise<string> {
  const stored = await images.store(bytes, 'photo')
  const { id } = await transaction(database.db, (tx) => images.record(stored, tx))
  return id
}

async function imageRow(id: string) {
  const result = await sql<{
    status: string
    variants: { size: number; width: number; height: number; key: string }[]
  }>`
    select status, variants from images where id = ${id}`.execute(database.db)
  return result.rows[0]
}

async function rejection(bytes: Buffer): Promise<AppError> {
  try {
    await accept(bytes)
  } catch (error) {
    assert.ok(error instanceof AppError)
    return error
  }
  assert.fail('the upload was accepted')
}

describe('accepting an upload', () => {
  it('a JPEG, a PNG and a WebP are accepted and wait to be processed', async () => {
    for (const bytes of [
      await picture(40, 30).jpeg().toBuffer(),
      await picture(40, 30).png().toBuffer(),
      await picture(40, 30).webp().toBuffer(),
    ]) {
      const row = await imageRow(await accept(bytes))
      assert.equal(row?.status, 'pending')
    }
  })

  it('a file that is not an image is refused as unsupported media (415), whatever it is called', async () => {
    const error = await rejection(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'))
    assert.equal(error.kind, 'unsupported_media_type')
    assert.equal(error.code, 'unsupported_image_type')
  })

  it('a GIF is refused: only JPEG, PNG and WebP are accepted', async () => {
    const gif = await picture(10, 10).gif().toBuffer()
    assert.equal((await rejection(gif)).kind, 'unsupported_media_type')
  })

  it('a file over UPLOAD_MAX_BYTES is refused as too large (413)', async () => {
    const big = Buffer.concat([await picture(10, 10).png().toBuffer(), Buffer.alloc(MAX_BYTES)])
    const error = await rejection(big)
    assert.equal(error.kind, 'too_large')
  })

  it('a decompression bomb (few bytes, too many pixels) is refused before decoding, with a field error', async () => {
    const bomb = await picture(3000, 3000).png({ compressionLevel: 9 }).toBuffer()
    assert.ok(bomb.length < 100_000, 'the bomb is small on disk')
    const error = await rejection(bomb)
    assert.equal(error.kind, 'invalid')
    assert.match(error.fieldErrors?.photo?.[0] ?? '', /3000×3000 pixels/)
  })

  it('bytes that only start like an image are refused as unreadable', async () => {
    const error = await rejection(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]))
    assert.equal(error.kind, 'invalid')
  })

  it('storing an upload writes no row: only recording it, in a transaction, does', async () => {
    const stored = await images.store(await picture(20, 20).png().toBuffer())
    assert.equal(await imageRow(stored.id), undefined)
    await transaction(database.db, (tx) => images.record(stored, tx))
    assert.equal((await imageRow(stored.id))?.status, 'pending')
  })

  it('an upload in a rolled-back transaction leaves no image and no job', async () => {
    await jobs.drain() // the jobs of earlier tests, so that only this test's are left to count
    const stored = await images.store(await picture(20, 20).png().toBuffer())
    let id = ''
    await assert.rejects(
      transaction(database.db, async (tx) => {
        id = (await images.record(stored, tx)).id
        throw new Error('rolled back')
      }),
    )
    assert.equal(await imageRow(id), undefined)
    assert.equal(await jobs.drain(), 0)
  })
})

describe('processing an image', () => {
  it('makes WebP variants 1000, 500 and 200 pixels wide, keeping the aspect ratio', async () => {
    const id = await accept(await picture(2000, 1000).jpeg().toBuffer())
    await jobs.drain()
    const row = await imageRow(id)
    assert.equal(row?.status, 'ready')
    assert.deepEqual(
      row.variants.map(({ size, width, height }) => [size, width, height]),
      [
        [1000, 1000, 500],
        [500, 500, 250],
        [200, 200, 100],
      ],
    )
    for (const variant of row.variants) {
      const file = await storage.get(variant.key)
      assert.equal(file?.contentType, 'image/webp')
      const meta = await sharp(await buffer(file.body)).metadata()
      assert.equal(meta.format, 'webp')
      assert.equal(meta.width, variant.width)
    }
  })

  it('never enlarges a small image', async () => {
    const id = await accept(await picture(300, 150).png().toBuffer())
    await jobs.drain()
    const row = await imageRow(id)
    assert.deepEqual(
      row?.variants.map(({ width, height }) => [width, height]),
      [
        [300, 150],
        [300, 150],
        [200, 100],
      ],
    )
  })

  it('strips EXIF and GPS metadata from the variants', async () => {
    const withExif = await picture(600, 400)
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Someone', Artist: 'Camera owner' }, IFD3: { GPSLatitudeRef: 'N' } })
      .toBuffer()
    assert.ok((await sharp(withExif).metadata()).exif, 'the original carries EXIF')
    const id = await accept(withExif)
    await jobs.drain()
    for (const variant of (await imageRow(id))?.variants ?? []) {
      const file = await storage.get(variant.key)
      const meta = await sharp(await buffer(file!.body)).metadata()
      assert.equal(meta.exif, undefined)
    }
  })

  it('an image that cannot be decoded is refused at upload, on its field', async () => {
    const good = await picture(400, 400).png({ compressionLevel: 0 }).toBuffer()
    const corrupt = Buffer.from(good)
    corrupt.fill(0xab, 100, corrupt.length - 20)
    const error = await rejection(corrupt)
    assert.equal(error.kind, 'invalid')
    assert.deepEqual(error.fieldErrors, { photo: ['The file is not a readable image.'] })
  })

  it('keeps the original without its EXIF and GPS metadata, turned upright by its orientation', async () => {
    const sideways = await picture(600, 400)
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Someone', Artist: 'Camera owner' }, IFD3: { GPSLatitudeRef: 'N' } })
      .withMetadata({ orientation: 6 })
      .toBuffer()
    assert.ok((await sharp(sideways).metadata()).exif, 'the upload carries EXIF')
    const stored = await images.store(sideways, 'photo')
    const file = await storage.get(stored.key)
    const meta = await sharp(await buffer(file!.body)).metadata()
    assert.equal(meta.exif, undefined)
    assert.equal(meta.orientation, undefined)
    assert.deepEqual([meta.width, meta.height, stored.width, stored.height], [400, 600, 400, 600])
  })

  it('signed URLs are given for the original and every variant', async () => {
    const id = await accept(await picture(1200, 600).webp().toBuffer())
    const pending = (await images.urls([id])).get(id)
    assert.equal(pending?.status, 'pending')
    assert.deepEqual(pending.variants, [])
    await jobs.drain()
    const ready = (await images.urls([id])).get(id)
    assert.equal(ready?.status, 'ready')
    assert.match(ready.original, /^http:\/\/bureau\.test\/files\/images\/.+signature=/)
    assert.deepEqual(
      ready.variants.map(({ size, width }) => [size, width]),
      [
        [1000, 1000],
        [500, 500],
        [200, 200],
      ],
    )
  })
})

describe('uploads whose image was never recorded', () => {
  it('lose their file a day after they were stored; recorded images keep theirs', async () => {
    const orphan = await images.store(await picture(50, 50).png().toBuffer(), 'photo')
    const kept = await accept(await picture(60, 60).png().toBuffer())
    const keptKey = (
      await sql<{ original_key: string }>`
      select original_key from images where id = ${kept}`.execute(database.db)
    ).rows[0]?.original_key
    assert.ok(keptKey)
    assert.equal(await sweepOrphanUploads(), 0, 'nothing is swept within the first day')
    assert.ok(await storage.get(orphan.key))
    clock.advance(24 * 60 * 60 * 1000 + 1000)
    // Other tests here store without recording too: their files go with this one.
    assert.ok((await sweepOrphanUploads()) >= 1)
    assert.equal(await storage.get(orphan.key), undefined)
    assert.ok(await storage.get(keptKey), 'the recorded image keeps its original')
    assert.equal(await sweepOrphanUploads(), 0, 'each orphan is swept once')
  })
})
