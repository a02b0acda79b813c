import multipart from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { AppError, invalid, invalidFields } from '../errors.ts'
import type { App } from './server.ts'
import { nullCharacterErrors } from './validation.ts'

/*
 * File uploads (multipart/form-data). Only routes registered through `withUploads` accept multipart
 * bodies; everywhere else a multipart body stays a 415, as any other non-JSON body is.
 */

export interface UploadLimits {
  /** The largest file accepted, in bytes (UPLOAD_MAX_BYTES). */
  maxFileBytes: number
  /** How many text fields may come with the file. */
  maxFields?: number
  /** The largest text field, in bytes. */
  maxFieldBytes?: number
}

export interface UploadedFile {
  field: string
  filename: string
  /** As the client declared it; check the bytes, not this. */
  mimetype: string
  bytes: Buffer
}

export interface MultipartForm {
  /** The file sent in the expected field, if any. */
  file: UploadedFile | undefined
  /** The text fields, by name (the last value wins when a name repeats). */
  fields: Record<string, string>
}

/** Registers routes that accept multipart bodies (besides JSON) in a scope of their own. */
export async function withUploads(
  app: App,
  limits: UploadLimits,
  register: (scope: App) => void | Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: {
        fileSize: limits.maxFileBytes,
        files: 1,
        fields: limits.maxFields ?? 20,
        fieldSize: limits.maxFieldBytes ?? 64 * 1024,
        parts: (limits.maxFields ?? 20) + 1,
      },
    })
    await register(scope)
  })
}

export function isMultipart(request: FastifyRequest): boolean {
  return typeof request.isMultipart === 'function' && request.isMultipart()
}

/**
 * Reads a multipart body: the one file expected in `fileField` and the text fields. Another file
 * field, a second file, a file over the limit or a malformed body is a 4xx, never a 500.
 */
export async function readMultipartForm(request: FastifyRequest, fileField: string): Promise<MultipartForm> {
  if (!isMultipart(request)) {
    throw new AppError(
      'unsupported_media_type',
      'unsupported_media_type',
      'Unsupported media type; send multipart/form-data.',
    )
  }
  const fields: Record<string, string> = {}
  let file: UploadedFile | undefined
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw invalid(part.fieldname, 'This field is too long.')
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value)
        continue
      }
      if (part.fieldname !== fileField) {
        part.file.resume()
        throw invalid(part.fieldname, `Unexpected file; send the file in "${fileField}".`)
      }
      file = {
        field: part.fieldname,
        filename: part.filename,
        mimetype: part.mimetype,
        bytes: await part.toBuffer(),
      }
    }
  } catch (error) {
    throw uploadError(error)
  }
  // As in JSON bodies: no text column can hold U+0000, so the form is refused before anything is stored.
  const nulls = nullCharacterErrors(fields)
  if (Object.keys(nulls).length > 0) throw invalidFields(nulls)
  return { file, fields }
}

/** The file of a multipart request that must carry exactly one, in `field`. */
export async function readUpload(request: FastifyRequest, field: string): Promise<UploadedFile> {
  const { file } = await readMultipartForm(request, field)
  if (!file || file.bytes.length === 0) throw invalid(field, 'Attach a file.')
  return file
}

function uploadError(error: unknown): AppError {
  if (error instanceof AppError) return error
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('too_large', 'payload_too_large', 'The file is too large.', { cause: error })
    case 'FST_FILES_LIMIT':
      return invalid('non_field_errors', 'Send one file only.')
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('too_large', 'payload_too_large', 'The form has too many fields.', { cause: error })
    case 'FST_PROTO_VIOLATION':
      return invalid('non_field_errors', 'A field name is not allowed.')
    default:
      // Busboy's own parse errors (a truncated body, a missing boundary) carry no code.
      return new AppError('invalid', 'malformed_multipart', 'The multipart body is malformed.', {
        cause: error,
      })
  }
}
