import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, afterEach, before, describe, it } from 'node:test'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { signIn, type SignedInUser } from './helpers/accounts.ts'
import { buildTestApp, type TestApp } from './helpers/app.ts'
import {
  decide,
  fileComplaint,
  postComplaint,
  complaintBody,
  REFUND_IBAN,
  refundOf,
} from './helpers/complaints.ts'
import { startSmtpCapture, type SmtpCapture } from './helpers/smtp.ts'
import { newSupplier } from './helpers/suppliers.ts'

/*
 * A change and the jobs that report it (emails, payouts) commit together or not at all. Each test
 * lets the job reach the queue and then fails the request, as a database error after the enqueue
 * would. A job enqueued after the commit leaves the change made; one enqueued outside the change's
 * transaction stays in the queue. Both are caught: the change must be absent, the job gone from the
 * queue, and once every queued job has run, no email sent. (On PGlite, with its one connection, a job
 * enqueued outside the open transaction waits for it forever: such a break shows as a hang there.)
 */

const NOW = '2026-03-02T12:00:00Z'
const TODAY = '2026-03-02'

let t: TestApp
let smtp: SmtpCapture
let operator: SignedInUser
let approver: SignedInUser
let restore: (() => void) | undefined

before(async () => {
  smtp = await startSmtpCapture()
  t = await buildTestApp({ now: NOW, env: { SMTP_URL: smtp.url } })
  operator = await signIn(t, ['operator'])
  approver = await signIn(t, ['approver'])
})
afterEach(() => {
  restore?.()
  restore = undefined
})
after(async () => {
  await t.close()
  await smtp.close()
})

const addDays = (days: number) => {
  const date = new Date(`${TODAY}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

function as(caller: SignedInUser, request: InjectOptions): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...request, headers: { ...request.headers, ...caller.headers } })
}

/**
 * From now until the test ends, enqueuing a `jobName` job succeeds and then fails the request; the
 * ids of the jobs it enqueued go into `enqueued`.
 */
function failAfterEnqueuing(jobName: string, enqueued: string[]): void {
  const jobs = t.platform.jobs
  const send = jobs.send.bind(jobs)
  jobs.send = async (job, payload, options) => {
    const id = await send(job, payload, options)
    if (job.name !== jobName) return id
    if (id !== null) enqueued.push(id)
    throw new Error(`injected failure after enqueuing ${jobName}`)
  }
  restore = () => {
    jobs.send = send
  }
}

/**
 * Runs `request` with `jobName` failing after it was enqueued: the request is a 500, and the job it
 * enqueued is not in the queue (it went with the rolled-back transaction).
 */
async function failingAfter(jobName: string, request: () => Promise<LightMyRequestResponse>) {
  await t.platform.jobs.drain()
  const emailsBefore = smtp.messages.length
  const enqueued: string[] = []
  failAfterEnqueuing(jobName, enqueued)
  const response = await request()
  restore?.()
  restore = undefined
  assert.equal(response.statusCode, 500, response.body)
  assert.equal(enqueued.length, 1, `one ${jobName} job was enqueued before the failure`)
  const left = await t.platform.jobs.list({ id: enqueued[0] }, { limit: 1, offset: 0 })
  assert.deepEqual(left.results, [], `the ${jobName} job outlived its transaction`)
  return {
    /** Runs every queued job; no email may have gone out. */
    async assertNoEmail() {
      await t.platform.jobs.drain()
      assert.deepEqual(
        smtp.messages.slice(emailsBefore).map((message) => message.parsed.subject),
        [],
      )
    },
  }
}

async function newSupplierPayment(): Promise<{ supplier: SignedInUser; paymentId: number }> {
  const { user: supplier } = await newSupplier(t, operator)
  const payment = await as(supplier, {
    method: 'POST',
    url: '/api/payments/',
    payload: { due_date: addDays(20), value: '1000.00' },
  })
  assert.equal(payment.statusCode, 201, payment.body)
  return { supplier, paymentId: payment.json<{ id: number }>().id }
}

async function paymentStatus(caller: SignedInUser, id: number): Promise<string> {
  const response = await as(caller, { method: 'GET', url: `/api/payments/${id}/` })
  assert.equal(response.statusCode, 200, response.body)
  return response.json<{ status: string }>().status
}

describe('an anticipation and its supplier notification commit together', () => {
  it('creates no anticipation, leaves the payment A and sends nothing when the request fails after the enqueue', async () => {
    const { supplier, paymentId } = await newSupplierPayment()
    const failed = await failingAfter('supplier-payments.notify-supplier', () =>
      as(supplier, {
        method: 'POST',
        url: '/api/anticipations/',
        payload: { payment: paymentId, new_due_date: addDays(5) },
      }),
    )
    assert.equal(await paymentStatus(supplier, paymentId), 'A')
    // The supplier's request log has nothing: no anticipation was requested.
    const log = await as(supplier, { method: 'GET', url: '/api/logs/' })
    assert.equal(log.json<{ count: number }>().count, 0, log.body)
    await failed.assertNoEmail()
  })

  it('leaves the anticipation pending, with no payout and no email, when its approval fails after the enqueue', async () => {
    const { supplier, paymentId } = await newSupplierPayment()
    const requested = await as(supplier, {
      method: 'POST',
      url: '/api/anticipations/',
      payload: { payment: paymentId, new_due_date: addDays(5) },
    })
    assert.equal(requested.statusCode, 201, requested.body)
    const anticipationId = requested.json<{ id: number }>().id
    const failed = await failingAfter('supplier-payments.notify-supplier', () =>
      as(operator, {
        method: 'PATCH',
        url: `/api/anticipations/${anticipationId}/`,
        payload: { status: 'A' },
      }),
    )
    assert.equal(await paymentStatus(supplier, paymentId), 'PC')
    const payouts = await as(operator, {
      method: 'GET',
      url: '/api/payouts?purpose=early_payment&page_size=100',
    })
    assert.equal(payouts.statusCode, 200, payouts.body)
    const subjects = payouts.json<{ results: { subject_id: number }[] }>().results.map((p) => p.subject_id)
    assert.equal(subjects.includes(anticipationId), false)
    await failed.assertNoEmail()
  })
})

describe('a complaint and its jobs commit together', () => {
  it('files no complaint and no refund when filing fails after the refund’s job is enqueued', async () => {
    const complainer = await signIn(t, [], { iban: REFUND_IBAN })
    const body = await complaintBody()
    const failed = await failingAfter('prepare-payout', () => postComplaint(t, complainer, body))
    const mine = await as(complainer, { method: 'GET', url: '/api/complaints' })
    assert.equal(mine.json<{ count: number }>().count, 0, mine.body)
    await failed.assertNoEmail()
  })

  for (const decision of ['approve', 'reject'] as const) {
    it(`leaves the complaint pending and its refund as it was when the ${decision} email fails after the enqueue`, async () => {
      const complainer = await signIn(t, [], { iban: REFUND_IBAN })
      const complaint = await fileComplaint(t, complainer)
      await t.platform.jobs.drain()
      const refundBefore = await refundOf(t, operator, complaint.id)
      const failed = await failingAfter('send-email', () =>
        decide(
          t,
          approver,
          complaint.id,
          decision,
          decision === 'reject' ? { reason: 'Not covered.' } : undefined,
        ),
      )
      const shown = await as(complainer, { method: 'GET', url: `/api/complaints/${complaint.id}` })
      assert.equal(shown.json<{ status: string }>().status, 'pending', shown.body)
      assert.equal((await refundOf(t, operator, complaint.id)).status, refundBefore.status)
      await failed.assertNoEmail()
    })
  }
})

describe('a booking and its email commit together', () => {
  async function roomWithOneLeft(): Promise<number> {
    const admin = await signIn(t, ['admin'])
    const hotel = await as(admin, {
      method: 'POST',
      url: '/api/hotels',
      payload: { name: 'Hotel Mar', location: `Porto ${randomInt(1e9)}`, address: 'Rua 1', services: [] },
    })
    assert.equal(hotel.statusCode, 201, hotel.body)
    const room = await as(admin, {
      method: 'POST',
      url: `/api/hotels/${hotel.json<{ id: number }>().id}/rooms`,
      payload: { name: 'Single', description: 'One bed.', price: '80.00', quantity: 1, services: [] },
    })
    assert.equal(room.statusCode, 201, room.body)
    return room.json<{ id: number }>().id
  }

  const stay = (roomId: number) => ({ room_id: roomId, date_from: addDays(3), date_to: addDays(5) })

  it('books nothing and sends nothing when booking fails after the confirmation is enqueued', async () => {
    const guest = await signIn(t)
    const roomId = await roomWithOneLeft()
    const failed = await failingAfter('send-email', () =>
      as(guest, { method: 'POST', url: '/api/bookings', payload: stay(roomId) }),
    )
    const mine = await as(guest, { method: 'GET', url: '/api/bookings' })
    assert.equal(mine.json<{ count: number }>().count, 0, mine.body)
    await failed.assertNoEmail()
    // The last room is still free.
    const booked = await as(guest, { method: 'POST', url: '/api/bookings', payload: stay(roomId) })
    assert.equal(booked.statusCode, 201, booked.body)
  })

  it('keeps the booking confirmed and sends nothing when cancelling fails after the email is enqueued', async () => {
    const guest = await signIn(t)
    const roomId = await roomWithOneLeft()
    const booked = await as(guest, { method: 'POST', url: '/api/bookings', payload: stay(roomId) })
    assert.equal(booked.statusCode, 201, booked.body)
    const id = booked.json<{ id: number }>().id
    const failed = await failingAfter('send-email', () =>
      as(guest, { method: 'DELETE', url: `/api/bookings/${id}` }),
    )
    const mine = await as(guest, { method: 'GET', url: '/api/bookings' })
    const shown = mine.json<{ results: { id: number; status: string }[] }>().results.find((b) => b.id === id)
    assert.equal(shown?.status, 'confirmed', mine.body)
    await failed.assertNoEmail()
  })
})
