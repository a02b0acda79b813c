import { randomUUID } from 'node:crypto'
import { buffer } from 'node:stream/consumers'
import { sql, type ColumnType, type Kysely } from 'kysely'
import sharp from 'sharp'
import { Type } from 'typebox'
import type { Clock } from '../clock.ts'
import type { QueryRunner } from '../database/transaction.ts'
import { AppError, invalid } from '../errors.ts'
import { defineJob, type Jobs } from '../jobs/jobs.ts'
import type { Storage } from '../storage/storage.ts'
import { detectImageType, type ImageType } from './image-type.ts'

/** Widths of the resized copies made of every image (never wider than the original). */
export const VARIANT_WIDTHS = [1000, 500, 200] as const

export interface ImageVariant {
  /** The width asked for (1000, 500 or 200). */
  size: number
  width: number
  height: number
  key: string
}

type ImageTables = {
  stored_uploads: {
    key: string
    stored_at: Date
  }
  images: {
    id: string
    original_key: string
    content_type: string
    width: number
    height: number
    status: 'pending' | 'ready' | 'failed'
    variants: ColumnType<ImageVariant[], string, string>
    failure_reason: string | null
    created_at: Date
    updated_at: Date
  }
}

export interface ImageUrls {
  id: string
  status: 'pending' | 'ready' | 'failed'
  original: string
  /** Signed URLs of the WebP variants, by requested width; empty until the image is processed. */
  variants: { size: number; width: number; height: number; url: string }[]
}

/** An upload that passed the checks and is in storage, not yet recorded. */
export interface StoredImage {
  id: string
  key: string
  contentType: string
  width: number
  height: number
}

export interface Images {
  /**
   * Checks an upload by its bytes (JPEG, PNG or WebP; size and pixel limits) and stores it. Call it
   * before the transaction that records it: storage may be a network call. `field` names the upload
   * in error messages.
   */
  store(bytes: Buffer, field?: string): Promise<StoredImage>
  /** Records a stored image and enqueues its resizing, in `executor`'s transaction. */
  record(image: StoredImage, executor: QueryRunner): Promise<{ id: string }>
  urls(ids: readonly string[]): Promise<Map<string, ImageUrls>>
}

export interface ImageLimits {
  maxBytes: number
  maxPixels: number
}

const CONTENT_TYPES: Record<ImageType, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' }

export function createImages(deps: {
  db: Kysely<object>
  storage: Storage
  jobs: Jobs
  clock: Clock
  limits: ImageLimits
}) {
  const { storage, jobs, clock, limits } = deps
  const tables = (executor: Kysely<object>) => executor.$extendTables<ImageTables>()

  /**
   * Makes the WebP variants of one image. Idempotent: a ready image is left alone, and a retry after
   * a crash overwrites the same keys. Metadata (EXIF, GPS) is not copied into the variants.
   */
  const processImage = defineJob({
    name: 'process-image',
    payload: Type.Object({ imageId: Type.String({ format: 'uuid' }) }),
    retryLimit: 3,
    handle: async ({ imageId }, { logger }) => {
      const db = tables(deps.db)
      const image = await db.selectFrom('images').selectAll().where('id', '=', imageId).executeTakeFirst()
      if (image?.status !== 'pending') return
      const original = await storage.get(image.original_key)
      if (!original) throw new Error(`The original of image ${imageId} is missing from storage.`)
      const bytes = await buffer(original.body)
      let variants: (ImageVariant & { bytes: Buffer })[]
      try {
        variants = await resize(bytes, imageId, limits.maxPixels)
      } catch (error) {
        // A file that passed the header checks but cannot be decoded will not decode on a retry either.
        logger.warn({ err: error, imageId }, 'image could not be processed')
        await db
          .updateTable('images')
          .set({
            status: 'failed',
            failure_reason: 'The image could not be decoded.',
            updated_at: clock.now(),
          })
          .where('id', '=', imageId)
          .execute()
        return
      }
      for (const variant of variants) await storage.put(variant.key, variant.bytes, 'image/webp')
      await db
        .updateTable('images')
        .set({
          status: 'ready',
          variants: JSON.stringify(variants.map(({ bytes: _bytes, ...rest }) => rest)),
          updated_at: clock.now(),
        })
        .where('id', '=', imageId)
        .where('status', '=', 'pending')
        .execute()
    },
  })

  const images: Images = {
    async store(bytes, field = 'image') {
      if (bytes.length > limits.maxBytes) {
        throw new AppError(
          'too_large',
          'upload_too_large',
          `The file is larger than ${limits.maxBytes} bytes.`,
        )
      }
      const type = detectImageType(bytes)
      if (!type) {
        throw new AppError(
          'unsupported_media_type',
          'unsupported_image_type',
          'Only JPEG, PNG and WebP images are accepted.',
        )
      }
      // Reads the header only: a decompression bomb is refused here, before any pixel is decoded.
      const { width, height } = await sharp(bytes, { limitInputPixels: false })
        .metadata()
        .catch(() => ({ width: 0, height: 0 }))
      if (!width || !height) throw invalid(field, 'The file is not a readable image.')
      if (width * height > limits.maxPixels) {
        throw invalid(
          field,
          `The image is ${width}×${height} pixels; at most ${limits.maxPixels} pixels are accepted.`,
        )
      }
      const clean = await withoutMetadata(bytes, type, limits.maxPixels, field)
      const id = randomUUID()
      const key = `images/${id}/original.${type === 'jpeg' ? 'jpg' : type}`
      // Stored before the row commits, so a rolled-back request leaves a file and never a row pointing
      // at nothing; the note taken first lets the sweep find and delete such a file.
      await tables(deps.db).insertInto('stored_uploads').values({ key, stored_at: clock.now() }).execute()
      await storage.put(key, clean.bytes, CONTENT_TYPES[type])
      return { id, key, contentType: CONTENT_TYPES[type], width: clean.width, height: clean.height }
    },

    async record({ id, key, contentType, width, height }, executor) {
      const now = clock.now()
      await sql`
        insert into images (id, original_key, content_type, width, height, status, created_at, updated_at)
        values (${id}, ${key}, ${contentType}, ${width}, ${height}, 'pending', ${now}, ${now})
      `.execute(executor)
      await sql`delete from stored_uploads where key = ${key}`.execute(executor)
      await jobs.send(processImage, { imageId: id }, { executor })
      return { id }
    },

    async urls(ids) {
      const found = new Map<string, ImageUrls>()
      if (ids.length === 0) return found
      const rows = await tables(deps.db)
        .selectFrom('images')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
      for (const row of rows) {
        found.set(row.id, {
          id: row.id,
          status: row.status,
          original: await storage.signedUrl(row.original_key),
          variants: await Promise.all(
            row.variants.map(async ({ size, width, height, key }) => ({
              size,
              width,
              height,
              url: await storage.signedUrl(key),
            })),
          ),
        })
      }
      return found
    },
  }
  /** Deletes the files of uploads whose image was never recorded, a day after they were stored. */
  async function sweepOrphanUploads(): Promise<number> {
    const db = tables(deps.db)
    const stale = await db
      .selectFrom('stored_uploads')
      .select('key')
      .where('stored_at', '<', new Date(clock.now().getTime() - ORPHAN_AFTER_MS))
      .orderBy('stored_at')
      .limit(SWEEP_BATCH)
      .execute()
    let deleted = 0
    for (const { key } of stale) {
      const recorded = await db
        .selectFrom('images')
        .select('id')
        .where('original_key', '=', key)
        .executeTakeFirst()
      if (!recorded) {
        await storage.delete(key)
        deleted += 1
      }
      await db.deleteFrom('stored_uploads').where('key', '=', key).execute()
    }
    return deleted
  }

  const sweepOrphans = defineJob({
    name: 'sweep-orphan-uploads',
    payload: Type.Object({}),
    cron: '41 * * * *',
    handle: async (_payload, { logger }) => {
      const deleted = await sweepOrphanUploads()
      if (deleted > 0) logger.info({ deleted }, 'files of unrecorded uploads deleted')
    },
  })

  return { images, processImage, sweepOrphans, sweepOrphanUploads }
}

/** An upload not recorded within a day belongs to a request that rolled back or died. */
const ORPHAN_AFTER_MS = 24 * 60 * 60 * 1000
const SWEEP_BATCH = 500

/**
 * The original as it is kept and linked: re-encoded in its own format without its metadata (EXIF,
 * GPS, camera, XMP), turned upright first so that dropping the orientation tag changes nothing seen.
 */
async function withoutMetadata(
  bytes: Buffer,
  type: ImageType,
  maxPixels: number,
  field: string,
): Promise<{ bytes: Buffer; width: number; height: number }> {
  const image = sharp(bytes, { limitInputPixels: maxPixels }).rotate()
  const encoded =
    type === 'jpeg' ? image.jpeg({ quality: 92 }) : type === 'png' ? image.png() : image.webp({ quality: 92 })
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
    return { bytes: data, width: info.width, height: info.height }
  } catch {
    throw invalid(field, 'The file is not a readable image.')
  }
}

async function resize(
  bytes: Buffer,
  imageId: string,
  maxPixels: number,
): Promise<(ImageVariant & { bytes: Buffer })[]> {
  const variants: (ImageVariant & { bytes: Buffer })[] = []
  for (const size of VARIANT_WIDTHS) {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
      // Applies the EXIF orientation before the metadata is dropped.
      .rotate()
      .resize({ width: size, withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true })
    variants.push({
      size,
      width: info.width,
      height: info.height,
      key: `images/${imageId}/w${size}.webp`,
      bytes: data,
    })
  }
  return variants
}
