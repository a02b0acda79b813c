import { existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { IdParams } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { readUpload, withUploads } from '../../platform/http/uploads.ts'
import { validatorCompiler } from '../../platform/http/validation.ts'
import { Image, ImageForm } from './bookings.schemas.ts'
import type { HotelsService } from './hotels.service.ts'

const UPLOAD_RULES =
  'multipart/form-data with the image in the field `image`: JPEG, PNG or WebP (checked by its bytes), up to UPLOAD_MAX_BYTES (413 beyond) and IMAGE_MAX_PIXELS. Answers 202 with the stored image; its WebP variants 1000, 500 and 200 pixels wide are made in the background, then shown on the hotel at once and in cached searches and room lists within BOOKING_CACHE_TTL.'
/** Room for the multipart framing around a file of the largest accepted size. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024

/** Documents the multipart body; its parts are read and checked by the handler, not by a schema. */
const uploadBody = { content: { 'multipart/form-data': { schema: ImageForm } } }
const partsCheckedByHandler: typeof validatorCompiler = (route) =>
  route.httpPart === 'body' ? () => true : validatorCompiler(route)

/** Images of hotels and room types, uploaded by administrators. */
export function imageRoutes(hotels: HotelsService, guards: Guards, maxFileBytes: number) {
  const admin = [guards.authenticate, guards.requireRole('admin')]
  const bodyLimit = maxFileBytes + MULTIPART_OVERHEAD_BYTES
  return async (app: App) => {
    await withUploads(app, { maxFileBytes }, (scope) => {
      scope.post(
        '/api/hotels/:id/image',
        {
          bodyLimit,
          preHandler: admin,
          preValidation: existsBeforeValidation(hotels.assertHotelExists),
          schema: {
            tags: ['bookings'],
            summary: 'Upload an image of a hotel (administrators)',
            description: UPLOAD_RULES,
            params: IdParams,
            body: uploadBody,
            response: { 202: Image },
          },
          validatorCompiler: partsCheckedByHandler,
        },
        async (request, reply) => {
          const file = await readUpload(request, 'image')
          return reply.code(202).send(await hotels.addHotelImage(request.params.id, file.bytes))
        },
      )

      scope.post(
        '/api/rooms/:id/image',
        {
          bodyLimit,
          preHandler: admin,
          preValidation: existsBeforeValidation(hotels.assertRoomExists),
          schema: {
            tags: ['bookings'],
            summary: 'Upload an image of a room type (administrators)',
            description: UPLOAD_RULES,
            params: IdParams,
            body: uploadBody,
            response: { 202: Image },
          },
          validatorCompiler: partsCheckedByHandler,
        },
        async (request, reply) => {
          const file = await readUpload(request, 'image')
          return reply.code(202).send(await hotels.addRoomImage(request.params.id, file.bytes))
        },
      )
    })
  }
}
