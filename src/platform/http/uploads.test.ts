import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Type } from 'typebox'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { loadConfig } from '../../config.ts'
import { createLogger } from '../telemetry/logger.ts'
import { createHttpServer, type App } from './server.ts'
import { readMultipartForm, readUpload, withUploads } from './uploads.ts'

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'x'.repeat(40),
  PUBLIC_URL: 'http://bureau.test',
})

const BOUNDARY = 'bureau-test-boundary'

interface Part {
  name: string
  value: string | Buffer
  filename?: string
  type?: string
}

function multipartBody(parts: Part[]): Buffer {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"`
      : `form-data; name="${part.name}"`
    const head = `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`
    chunks.push(Buffer.from(head), Buffer.from(part.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

const MULTIPART = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }

describe('file uploads', () => {
  let app: App

  before(async () => {
    app = await createHttpServer({ config, logger: createLogger(config), tags: [] })
    app.post('/json-only', { schema: { body: Type.Object({ a: Type.String() }) } }, async () => ({
      ok: true,
    }))
    await withUploads(app, { maxFileBytes: 1024, maxFields: 3, maxFieldBytes: 64 }, (scope) => {
      scope.post('/upload', async (request) => {
        const file = await readUpload(request, 'photo')
        return { filename: file.filename, size: file.bytes.length, first: file.bytes[0] }
      })
      scope.post('/form', async (request) => {
        const form = await readMultipartForm(request, 'photo')
        return { fields: form.fields, size: form.file?.bytes.length ?? null }
      })
    })
    await app.ready()
  })
  after(() => app.close())

  it('an upload route reads the bytes of the file in its field', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01])
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: MULTIPART,
      payload: multipartBody([{ name: 'photo', value: bytes, filename: 'a.jpg', type: 'image/jpeg' }]),
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), { filename: 'a.jpg', size: 5, first: 0xff })
  })

  it('text fields come with the file', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/form',
      headers: MULTIPART,
      payload: multipartBody([
        { name: 'title', value: 'Broken' },
        { name: 'photo', value: Buffer.from('abc'), filename: 'a.png' },
      ]),
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(response.json(), { fields: { title: 'Broken' }, size: 3 })
  })

  it('a form without the file is a 400 on the file field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: MULTIPART,
      payload: multipartBody([{ name: 'title', value: 'x' }]),
    })
    assert.deepEqual(assertInvalid(response), { photo: ['Attach a file.'] })
  })

  it('a file in another field is a 400 on that field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: MULTIPART,
      payload: multipartBody([{ name: 'picture', value: Buffer.from('abc'), filename: 'a.png' }]),
    })
    assert.ok(assertInvalid(response).picture)
  })

  it('a file over the limit is a 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: MULTIPART,
      payload: multipartBody([{ name: 'photo', value: Buffer.alloc(1025, 1), filename: 'big.jpg' }]),
    })
    assertProblem(response, 413, 'payload_too_large')
  })

  it('two files are a 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: MULTIPART,
      payload: multipartBody([
        { name: 'photo', value: Buffer.from('a'), filename: 'a.jpg' },
        { name: 'photo', value: Buffer.from('b'), filename: 'b.jpg' },
      ]),
    })
    assertInvalid(response)
  })

  it('a text field over its limit is a 400 on that field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/form',
      headers: MULTIPART,
      payload: multipartBody([{ name: 'title', value: 'x'.repeat(65) }]),
    })
    assert.ok(assertInvalid(response).title)
  })

  it('a truncated multipart body is a 400, not a 500', async () => {
    const whole = multipartBody([{ name: 'photo', value: Buffer.from('abcdef'), filename: 'a.jpg' }])
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: MULTIPART,
      payload: whole.subarray(0, whole.length - 30),
    })
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, response.body)
  })

  it('a JSON body to an upload route is a 415', async () => {
    const response = await app.inject({ method: 'POST', url: '/upload', payload: { photo: 'x' } })
    assertProblem(response, 415, 'unsupported_media_type')
  })

  it('routes outside the upload scope still refuse multipart bodies with 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/json-only',
      headers: MULTIPART,
      payload: multipartBody([{ name: 'a', value: 'x' }]),
    })
    assertProblem(response, 415, 'unsupported_media_type')
  })
})
