import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import sharp from 'sharp'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import type { Hotel, Image, Room } from './bookings.schemas.ts'

const BOUNDARY = 'bureau-bookings-boundary'
const MULTIPART = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }

function multipart(field: string, bytes: Buffer, filename = 'photo.png'): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ])
}

let t: TestApp
let admin: SignedInUser
let png: Buffer

before(async () => {
  t = await buildTestApp({ env: { UPLOAD_MAX_BYTES: String(64 * 1024) } })
  admin = await signIn(t, ['admin'])
  png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a7ab0' } })
    .png()
    .toBuffer()
})
after(() => t.close())

function as(caller: SignedInUser | undefined, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller?.headers } })
}

async function hotelWithRoom(): Promise<{ hotel: Hotel; room: Room }> {
  const hotel = (
    await as(admin, { method: 'POST', url: '/api/hotels', payload: { name: 'Hotel', location: 'Olinda' } })
  ).json<Hotel>()
  const room = (
    await as(admin, {
      method: 'POST',
      url: `/api/hotels/${hotel.id}/rooms`,
      payload: { name: 'Suite', price: '200', quantity: 1 },
    })
  ).json<Room>()
  return { hotel, room }
}

function upload(caller: SignedInUser | undefined, url: string, body: Buffer) {
  return as(caller, { method: 'POST', url, headers: MULTIPART, payload: body })
}

describe('hotel and room images', () => {
  it('stores a hotel image (202) and shows its 1000/500/200 px variants once the job ran', async () => {
    const { hotel } = await hotelWithRoom()
    const response = await upload(admin, `/api/hotels/${hotel.id}/image`, multipart('image', png))
    assert.equal(response.statusCode, 202, response.body)
    const image = response.json<Image>()
    assert.equal(image.status, 'pending')
    assert.deepEqual(image.variants, [])
    await t.platform.jobs.drain()
    const shown = (await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}` })).json<Hotel>()
    const [first] = shown.images
    assert.ok(first)
    assert.equal(shown.images.length, 1)
    assert.equal(first.id, image.id)
    assert.equal(first.status, 'ready')
    assert.deepEqual(
      first.variants.map((variant) => [variant.size, variant.width, variant.height]),
      [
        [1000, 1000, 667],
        [500, 500, 333],
        [200, 200, 133],
      ],
    )
  })

  it('stores a room image and shows it in the hotel’s room list', async () => {
    const { hotel, room } = await hotelWithRoom()
    const response = await upload(admin, `/api/rooms/${room.id}/image`, multipart('image', png))
    assert.equal(response.statusCode, 202, response.body)
    await t.platform.jobs.drain()
    const rooms = (await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}/rooms` })).json<
      Room[]
    >()
    const [image] = rooms[0]?.images ?? []
    assert.ok(image)
    assert.equal(image.id, response.json<Image>().id)
    assert.equal(image.variants.length, 3)
  })

  it('refuses a file that is not an image (415) and attaches nothing', async () => {
    const { hotel } = await hotelWithRoom()
    const response = await upload(
      admin,
      `/api/hotels/${hotel.id}/image`,
      multipart('image', Buffer.from('%PDF-1.7 not an image')),
    )
    assertProblem(response, 415, 'unsupported_image_type')
    assert.deepEqual(
      (await as(undefined, { method: 'GET', url: `/api/hotels/${hotel.id}` })).json<Hotel>().images,
      [],
    )
  })

  it('refuses a request without the file (400 on image) and a JSON body (415)', async () => {
    const { room } = await hotelWithRoom()
    assert.deepEqual(
      Object.keys(assertInvalid(await upload(admin, `/api/rooms/${room.id}/image`, multipart('photo', png)))),
      ['photo'],
    )
    const json = await as(admin, {
      method: 'POST',
      url: `/api/rooms/${room.id}/image`,
      payload: { image: 'x' },
    })
    assert.equal(json.statusCode, 415, json.body)
  })

  it('refuses a file over UPLOAD_MAX_BYTES (413)', async () => {
    const { hotel } = await hotelWithRoom()
    const large = Buffer.concat([png, Buffer.alloc(70 * 1024)])
    const response = await upload(admin, `/api/hotels/${hotel.id}/image`, multipart('image', large))
    assert.equal(response.statusCode, 413, response.body)
  })

  it('answers a missing hotel or room with 404 and non-administrators with 403 or 401', async () => {
    const { hotel } = await hotelWithRoom()
    assertProblem(
      await upload(admin, '/api/hotels/2147483647/image', multipart('image', png)),
      404,
      'not_found',
    )
    assertProblem(
      await upload(admin, '/api/rooms/2147483647/image', multipart('image', png)),
      404,
      'not_found',
    )
    for (const roles of [[], ['operator'], ['approver']] as const) {
      const user = await signIn(t, [...roles])
      assertProblem(
        await upload(user, `/api/hotels/${hotel.id}/image`, multipart('image', png)),
        403,
        'forbidden',
      )
    }
    assertProblem(
      await upload(undefined, `/api/hotels/${hotel.id}/image`, multipart('image', png)),
      401,
      'not_authenticated',
    )
  })
})
