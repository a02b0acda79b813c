import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import {
  complaintBody,
  decide,
  fileComplaint,
  postComplaint,
  REFUND_IBAN,
  refundOf,
  type FiledComplaint,
} from '../../../test/helpers/complaints.ts'
import { multipartForm, pictureBytes } from '../../../test/helpers/images.ts'
import { assertInvalid, assertProblem } from '../../../test/helpers/problems.ts'
import { startSmtpCapture, type CapturedEmail, type SmtpCapture } from '../../../test/helpers/smtp.ts'
import type { Page } from '../../platform/http/pagination.ts'

const NOW = '2026-03-02T12:00:00Z'
const UNKNOWN_ID = 2147483647

let t: TestApp
let smtp: SmtpCapture
let approver: SignedInUser
let operator: SignedInUser
let admin: SignedInUser

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ now: NOW, env: { SMTP_URL: smtp.url, UPLOAD_MAX_BYTES: '65536' } })
  approver = await signIn(t, ['approver'])
  operator = await signIn(t, ['operator'])
  admin = await signIn(t, ['admin'])
})
after(async () => {
  await t.close()
  await smtp.close()
})

const complainer = () => signIn(t, [], { iban: REFUND_IBAN })

async function countRows(table: 'complaints' | 'payouts'): Promise<number> {
  const row = await t.platform.db
    .$extendTables<Record<typeof table, { id: number }>>()
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return row.count
}

/** Runs the queued jobs (emails among them) and returns what reached `to`. */
async function emailsTo(to: string): Promise<CapturedEmail[]> {
  await t.platform.jobs.drain()
  return smtp.messages.filter((message) => message.recipients.includes(to))
}

describe('filing a complaint', () => {
  it('files a JSON complaint with a base64 photo: pending, in REFUND_CURRENCY, with a signed photo link', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user, { amount: 120.5 })
    assert.equal(complaint.status, 'pending')
    assert.equal(complaint.amount, '120.50')
    assert.equal(complaint.currency, 'EUR')
    assert.equal(complaint.complainer, user.id)
    assert.deepEqual([complaint.decided_by, complaint.decided_at, complaint.reason], [null, null, null])
    assert.match(complaint.photo_url, /^http:\/\/bureau\.test\/files\/images\/.+signature=/)
    const photo = await t.app.inject({
      method: 'GET',
      url: complaint.photo_url.replace('http://bureau.test', ''),
    })
    assert.equal(photo.statusCode, 200)
    assert.equal(photo.headers['content-type'], 'image/jpeg')
  })

  it('files a multipart complaint with a photo file', async () => {
    const user = await complainer()
    const form = multipartForm([
      { name: 'title', value: 'Scratched table' },
      { name: 'description', value: 'Deep scratch on top.' },
      { name: 'amount', value: '45.90' },
      { name: 'photo', value: await pictureBytes(30, 20, 'png'), filename: 'table.png', type: 'image/png' },
    ])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { ...user.headers, ...form.headers },
      payload: form.payload,
    })
    assert.equal(response.statusCode, 201, response.body)
    const complaint = response.json<FiledComplaint>()
    assert.equal(complaint.title, 'Scratched table')
    assert.equal(complaint.amount, '45.90')
  })

  it('creates the complaint’s pending refund payout to the complainer’s IBAN, prepared by its job', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user, { amount: '99.99' })
    const payout = await refundOf(t, operator, complaint.id)
    assert.equal(payout.status, 'pending')
    assert.equal(payout.amount, '99.99')
    assert.equal(payout.currency, 'EUR')
    assert.equal(payout.provider, 'manual')
    assert.deepEqual(payout.recipient, { holder_name: 'Test User', iban: REFUND_IBAN })
    await t.platform.jobs.drain()
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'prepared')
  })

  it('shows the photo’s resized variants once the image job ran', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user)
    assert.deepEqual(complaint.photo_variants, [])
    await t.platform.jobs.drain()
    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/complaints/${complaint.id}`,
      headers: user.headers,
    })
    assert.deepEqual(
      shown.json<FiledComplaint>().photo_variants.map((variant) => variant.size),
      [1000, 500, 200],
    )
  })

  it('replays the first answer for a retry with the same Idempotency-Key, creating one complaint', async () => {
    const user = await complainer()
    const body = await complaintBody()
    const headers = { 'idempotency-key': '0f6a3a52-6d8b-4c43-9e0e-4a8f0d6f3e11' }
    const before = await countRows('complaints')
    const first = await postComplaint(t, user, body, headers)
    const again = await postComplaint(t, user, body, headers)
    assert.equal(first.statusCode, 201, first.body)
    assert.equal(again.statusCode, 201)
    assert.equal(again.headers['idempotent-replayed'], 'true')
    assert.equal(again.json<FiledComplaint>().id, first.json<FiledComplaint>().id)
    assert.equal(await countRows('complaints'), before + 1)
    const other = await postComplaint(t, user, { ...body, title: 'Another' }, headers)
    assertProblem(other, 422, 'idempotency_key_reused')
  })

  it('refuses a complainer without an IBAN on their profile (400), creating nothing', async () => {
    const user = await signIn(t)
    const before = await countRows('complaints')
    const errors = assertInvalid(await postComplaint(t, user, await complaintBody()))
    assert.match(errors.non_field_errors?.[0] ?? '', /Add an IBAN to your profile/)
    assert.equal(await countRows('complaints'), before)
  })
})

describe('bad complaints are 4xx and leave nothing behind', () => {
  const badFields: [string, Record<string, unknown>, string][] = [
    ['a zero amount', { amount: '0' }, 'amount'],
    ['a negative amount', { amount: -5 }, 'amount'],
    ['an amount over 100000.00', { amount: '100000.01' }, 'amount'],
    ['an amount with three decimals', { amount: '1.001' }, 'amount'],
    ['an amount that is not a number', { amount: 'ten' }, 'amount'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a title over 100 characters', { title: 'x'.repeat(101) }, 'title'],
    ['a description over 2000 characters', { description: 'x'.repeat(2001) }, 'description'],
    ['photo text that is not base64', { encoded_photo: 'not base64!' }, 'encoded_photo'],
    ['an extension that is not an image’s', { extension: 'gif' }, 'extension'],
    ['an extension that does not match the photo', { extension: 'png' }, 'extension'],
    ['an unknown field', { status: 'approved' }, 'status'],
  ]
  for (const [what, overrides, field] of badFields) {
    it(`answers ${what} with 400 on ${field}`, async () => {
      const user = await complainer()
      const before = [await countRows('complaints'), await countRows('payouts')]
      const errors = assertInvalid(await postComplaint(t, user, await complaintBody(overrides)))
      assert.ok(errors[field], `errors on ${field}: ${JSON.stringify(errors)}`)
      assert.deepEqual([await countRows('complaints'), await countRows('payouts')], before)
    })
  }

  it('answers missing fields with 400 naming each', async () => {
    const user = await complainer()
    const errors = assertInvalid(await postComplaint(t, user, {}))
    assert.deepEqual(Object.keys(errors).sort(), [
      'amount',
      'description',
      'encoded_photo',
      'extension',
      'title',
    ])
  })

  it('answers a photo that is not an image with 415', async () => {
    const user = await complainer()
    const before = await countRows('complaints')
    const body = await complaintBody({ encoded_photo: Buffer.from('GIF89a not accepted').toString('base64') })
    assertProblem(await postComplaint(t, user, body), 415, 'unsupported_image_type')
    assert.equal(await countRows('complaints'), before)
  })

  it('answers a photo larger than UPLOAD_MAX_BYTES with 413', async () => {
    const user = await complainer()
    const big = Buffer.concat([await pictureBytes(), Buffer.alloc(70_000)])
    const body = await complaintBody({ encoded_photo: big.toString('base64') })
    assertProblem(await postComplaint(t, user, body), 413, 'upload_too_large')
  })

  it('answers a JPEG that cannot be read with 400 on photo', async () => {
    const user = await complainer()
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)])
    const errors = assertInvalid(
      await postComplaint(t, user, await complaintBody({ encoded_photo: broken.toString('base64') })),
    )
    assert.ok(errors.photo)
  })

  it('answers malformed JSON with 400, not 500', async () => {
    const user = await complainer()
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: '{"title": ',
    })
    assertProblem(response, 400, 'malformed_json')
  })

  it('answers a multipart form without a photo, or with unknown fields, with 400', async () => {
    const user = await complainer()
    const form = multipartForm([
      { name: 'title', value: 'T' },
      { name: 'amount', value: '5' },
      { name: 'colour', value: 'red' },
    ])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { ...user.headers, ...form.headers },
      payload: form.payload,
    })
    const errors = assertInvalid(response)
    assert.deepEqual(Object.keys(errors).sort(), ['colour', 'description', 'photo'])
  })

  it('answers a multipart photo over UPLOAD_MAX_BYTES with 413', async () => {
    const user = await complainer()
    const form = multipartForm([
      { name: 'title', value: 'T' },
      { name: 'description', value: 'd' },
      { name: 'amount', value: '5' },
      { name: 'photo', value: Buffer.alloc(70_000, 1), filename: 'big.jpg', type: 'image/jpeg' },
    ])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { ...user.headers, ...form.headers },
      payload: form.payload,
    })
    assert.equal(response.statusCode, 413, response.body)
  })
})

describe('deciding a complaint', () => {
  it('approves a pending complaint: decided by the approver, its payout approved, the complainer emailed', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user, { amount: '75.25', title: 'Late delivery' })
    t.clock.set('2026-03-02T12:01:00Z')
    const response = await decide(t, approver, complaint.id, 'approve')
    t.clock.set(NOW)
    assert.equal(response.statusCode, 200, response.body)
    const approved = response.json<FiledComplaint>()
    assert.equal(approved.status, 'approved')
    assert.equal(approved.decided_by, approver.id)
    assert.equal(approved.decided_at, '2026-03-02T12:01:00.000Z')
    const emails = await emailsTo(user.email)
    assert.deepEqual(
      emails.map((email) => email.parsed.subject),
      ['Your complaint was approved'],
    )
    const text = emails[0]?.parsed.text ?? ''
    assert.match(text, /75\.25 EUR/)
    assert.match(text, /Late delivery/)
    assert.deepEqual(await emailsTo(approver.email), [])
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'approved')
  })

  it('rejects a pending complaint with a reason: its payout cancelled, the reason emailed', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user)
    const response = await decide(t, approver, complaint.id, 'reject', { reason: 'No damage is visible.' })
    assert.equal(response.statusCode, 200, response.body)
    const rejected = response.json<FiledComplaint>()
    assert.equal(rejected.status, 'rejected')
    assert.equal(rejected.reason, 'No damage is visible.')
    const emails = await emailsTo(user.email)
    assert.deepEqual(
      emails.map((email) => email.parsed.subject),
      ['Your complaint was rejected'],
    )
    assert.match(emails[0]?.parsed.text ?? '', /No damage is visible\./)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'cancelled')
  })

  it('rejects without a reason (and without a body) and says so in the email', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user)
    const response = await decide(t, approver, complaint.id, 'reject')
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json<FiledComplaint>().reason, null)
    const emails = await emailsTo(user.email)
    assert.match(emails[0]?.parsed.text ?? '', /No reason was given/)
  })

  for (const [first, second] of [
    ['approve', 'approve'],
    ['approve', 'reject'],
    ['reject', 'approve'],
    ['reject', 'reject'],
  ] as const) {
    it(`answers ${second} after ${first} with 409 and changes nothing`, async () => {
      const user = await complainer()
      const complaint = await fileComplaint(t, user)
      assert.equal(
        (await decide(t, approver, complaint.id, first, first === 'reject' ? {} : undefined)).statusCode,
        200,
      )
      const again = await decide(t, approver, complaint.id, second, second === 'reject' ? {} : undefined)
      assertProblem(again, 409, 'complaint_already_decided')
      const shown = await t.app.inject({
        method: 'GET',
        url: `/api/complaints/${complaint.id}`,
        headers: user.headers,
      })
      assert.equal(shown.json<FiledComplaint>().status, first === 'approve' ? 'approved' : 'rejected')
    })
  }

  it('lets one of two approvers racing win (200) and the other get 409, with one approval email', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user)
    const other = await signIn(t, ['approver'])
    const answers = await Promise.all([
      decide(t, approver, complaint.id, 'approve'),
      decide(t, other, complaint.id, 'approve'),
    ])
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409])
    const emails = await emailsTo(user.email)
    assert.equal(emails.filter((email) => email.parsed.subject === 'Your complaint was approved').length, 1)
  })

  it('answers a decision on a missing complaint with 404', async () => {
    assertProblem(await decide(t, approver, UNKNOWN_ID, 'approve'), 404, 'not_found')
    assertProblem(
      await decide(t, approver, UNKNOWN_ID, 'reject', { reason: 'x'.repeat(5000) }),
      404,
      'not_found',
    )
  })

  it('answers a reason over 1000 characters or an unknown field with 400', async () => {
    const user = await complainer()
    const complaint = await fileComplaint(t, user)
    assertInvalid(await decide(t, approver, complaint.id, 'reject', { reason: 'x'.repeat(1001) }))
    assertInvalid(await decide(t, approver, complaint.id, 'reject', { status: 'rejected' }))
  })
})

describe('seeing complaints', () => {
  it('shows a complainer only their own complaints, newest first', async () => {
    const user = await complainer()
    t.clock.set('2026-03-02T12:01:00Z')
    const older = await fileComplaint(t, user)
    t.clock.set('2026-03-02T12:02:00Z')
    const newer = await fileComplaint(t, user)
    t.clock.set(NOW)
    await fileComplaint(t, await complainer())
    const response = await t.app.inject({ method: 'GET', url: '/api/complaints', headers: user.headers })
    assert.equal(response.statusCode, 200, response.body)
    assert.deepEqual(
      response.json<Page<FiledComplaint>>().results.map((complaint) => complaint.id),
      [newer.id, older.id],
    )
  })

  it('shows approvers and admins every complaint, filtered by status', async () => {
    const user = await complainer()
    const pending = await fileComplaint(t, user)
    const approved = await fileComplaint(t, user)
    await decide(t, approver, approved.id, 'approve')
    for (const viewer of [approver, admin]) {
      const all = await t.app.inject({
        method: 'GET',
        url: '/api/complaints?page_size=100',
        headers: viewer.headers,
      })
      const ids = all.json<Page<FiledComplaint>>().results.map((complaint) => complaint.id)
      assert.ok(ids.includes(pending.id) && ids.includes(approved.id))
      const filtered = await t.app.inject({
        method: 'GET',
        url: '/api/complaints?status=approved&page_size=100',
        headers: viewer.headers,
      })
      const statuses = new Set(
        filtered.json<Page<FiledComplaint>>().results.map((complaint) => complaint.status),
      )
      assert.deepEqual([...statuses], ['approved'])
    }
  })

  it('answers an unknown status filter with 400 naming the choices', async () => {
    const errors = assertInvalid(
      await t.app.inject({ method: 'GET', url: '/api/complaints?status=done', headers: approver.headers }),
    )
    assert.deepEqual(errors, { status: ['Select a valid choice: pending, approved, rejected.'] })
  })

  it('answers another user’s complaint with 404, as a missing one', async () => {
    const complaint = await fileComplaint(t, await complainer())
    const stranger = await complainer()
    for (const id of [complaint.id, UNKNOWN_ID]) {
      assertProblem(
        await t.app.inject({ method: 'GET', url: `/api/complaints/${id}`, headers: stranger.headers }),
        404,
        'not_found',
      )
    }
  })
})

describe('deleting a complaint', () => {
  it('deletes a pending complaint (204) and cancels its payout', async () => {
    const complaint = await fileComplaint(t, await complainer())
    const url = `/api/complaints/${complaint.id}`
    assert.equal((await t.app.inject({ method: 'DELETE', url, headers: admin.headers })).statusCode, 204)
    assertProblem(await t.app.inject({ method: 'GET', url, headers: admin.headers }), 404, 'not_found')
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'cancelled')
  })

  it('deletes an approved complaint whose refund nobody paid yet, cancelling it', async () => {
    const complaint = await fileComplaint(t, await complainer())
    await decide(t, approver, complaint.id, 'approve')
    await t.platform.jobs.drain()
    const url = `/api/complaints/${complaint.id}`
    assert.equal((await t.app.inject({ method: 'DELETE', url, headers: admin.headers })).statusCode, 204)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'cancelled')
  })

  it('refuses to delete a complaint whose refund was paid (409), and keeps it', async () => {
    const complaint = await fileComplaint(t, await complainer())
    await decide(t, approver, complaint.id, 'approve')
    const payout = await refundOf(t, operator, complaint.id)
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/payouts/${payout.id}/mark-paid`,
      headers: operator.headers,
      payload: { reference: 'SEPA 1' },
    })
    assert.equal(paid.statusCode, 200, paid.body)
    const url = `/api/complaints/${complaint.id}`
    assertProblem(
      await t.app.inject({ method: 'DELETE', url, headers: admin.headers }),
      409,
      'complaint_refund_funded',
    )
    assert.equal((await t.app.inject({ method: 'GET', url, headers: admin.headers })).statusCode, 200)
    assert.equal((await refundOf(t, operator, complaint.id)).status, 'completed')
  })

  it('answers deleting a missing complaint with 404', async () => {
    assertProblem(
      await t.app.inject({ method: 'DELETE', url: `/api/complaints/${UNKNOWN_ID}`, headers: admin.headers }),
      404,
      'not_found',
    )
  })
})
