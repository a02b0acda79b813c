import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import pg from 'pg'
import { REFUND_IBAN } from '../helpers/complaints.ts'
import { pictureBytes } from '../helpers/images.ts'
import { waitUntil } from '../helpers/wait.ts'
import { pendingJobs, runningJobs, uniqueMessages } from './checks.ts'
import { call, createAccount, daysFromNow, expectStatus, type Account } from './clients.ts'
import { freshDatabase, services, startStack, type FreshDatabase, type Stack } from './stack.ts'

/*
 * Processes that die or are told to stop: a worker killed with -9 while 200 email and payout jobs
 * run, and an API process stopped with SIGTERM while clients keep coming through nginx. Both run at
 * once (the worker's jobs take the longest), the SIGTERM only after the jobs were enqueued.
 */

let database: FreshDatabase
let stack: Stack
let sql: pg.Pool
let admin: Account
let jobsEnqueued: () => void
const enqueued = new Promise<void>((resolve) => (jobsEnqueued = resolve))

before(async () => {
  database = await freshDatabase(services().databaseServerUrl)
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: services().redisUrl,
    env: { COMPLAINTS_PER_DAY: '100', LOGIN_RATE_LIMIT_PER_MINUTE: '100' },
  })
  sql = new pg.Pool({ connectionString: database.url, max: 2 })
  admin = await createAccount(stack, ['admin'])
})

after(async () => {
  jobsEnqueued()
  await sql.end()
  await stack.stop()
  await database.drop()
})

async function roomFor(quantity: number): Promise<{ hotel: number; room: number }> {
  const hotel = await expectStatus<{ id: number }>(201, stack.url, '/api/hotels', {
    headers: admin.headers,
    body: { name: 'Hotel Mar', location: 'Porto', services: [] },
  })
  const room = await expectStatus<{ id: number }>(201, stack.url, `/api/hotels/${hotel.id}/rooms`, {
    headers: admin.headers,
    body: { name: 'Twin', price: '90.00', quantity },
  })
  return { hotel: hotel.id, room: room.id }
}

/** Files `count` complaints (a few at a time) and waits until their refunds are prepared at Wise. */
async function preparedComplaints(complainer: Account, count: number): Promise<number[]> {
  const photo = (await pictureBytes()).toString('base64')
  const ids: number[] = []
  for (let batch = 0; batch < count; batch += 5) {
    const filed = await Promise.all(
      Array.from({ length: Math.min(5, count - batch) }, (_, index) =>
        expectStatus<{ id: number }>(201, stack.url, '/api/complaints', {
          headers: complainer.headers,
          body: {
            title: `Cold room ${batch + index}`,
            description: 'The heating was off.',
            amount: '35.00',
            encoded_photo: photo,
            extension: 'jpg',
          },
        }),
      ),
    )
    ids.push(...filed.map((complaint) => complaint.id))
  }
  await waitUntil('the refunds are prepared', async () => (await refundsIn(ids, 'prepared')) === count, {
    timeoutMs: 60_000,
  })
  return ids
}

async function refundsIn(ids: number[], status: string): Promise<number> {
  const { rows } = await sql.query<{ count: number }>(
    `select count(*)::int as count from payouts where purpose = 'complaint_refund' and status = $1 and subject_id = any($2)`,
    [status, ids],
  )
  return rows[0]?.count ?? 0
}

describe('faults', { concurrency: true }, () => {
  it('completes all 200 email and payout jobs exactly once when a worker is killed with -9 among them', async () => {
    const [approver, complainer, guest] = await Promise.all([
      createAccount(stack, ['approver']),
      createAccount(stack, [], 'complainer'),
      createAccount(stack, [], 'guest'),
    ])
    await expectStatus(200, stack.url, '/api/auth/me', {
      method: 'PATCH',
      headers: complainer.headers,
      body: { iban: REFUND_IBAN },
    })
    const complaints = await preparedComplaints(complainer, 50)
    const { room } = await roomFor(100)
    const stay = { room_id: room, date_from: daysFromNow(30), date_to: daysFromNow(31) }

    // Paused, so the 200 jobs are all waiting when the workers start on them.
    for (const worker of stack.workers) worker.signal('SIGSTOP')
    const [bookings, approvals] = await Promise.all([
      Promise.all(
        Array.from({ length: 100 }, () =>
          call(stack.url, '/api/bookings', { headers: guest.headers, body: stay }),
        ),
      ),
      Promise.all(
        complaints.map((id) =>
          call(stack.url, `/api/complaints/${id}/approve`, { method: 'PUT', headers: approver.headers }),
        ),
      ),
    ])
    jobsEnqueued()
    assert.deepEqual(new Set(bookings.map((answer) => answer.status)), new Set([201]))
    assert.deepEqual(new Set(approvals.map((answer) => answer.status)), new Set([200]))
    const [killed, survivor] = stack.workers
    assert.ok(killed && survivor)
    // The one to be killed starts alone, and Wise holds its first funding call unanswered: when it
    // dies it surely has a job running, in the middle of paying out.
    const funding = /^\/v3\/profiles\/\d+\/transfers\/\d+\/payments$/
    stack.wise.fault({ method: 'POST', path: funding, hang: true })
    const before = stack.smtp.messages.length
    killed.signal('SIGCONT')
    await waitUntil(
      'the worker has sent 20 emails and waits for Wise',
      async () =>
        stack.smtp.messages.length >= before + 20 &&
        stack.wise.calls('POST', funding).length > 0 &&
        (await runningJobs(sql)) > 0,
      { timeoutMs: 30_000, intervalMs: 10 },
    )
    killed.signal('SIGKILL')
    assert.equal(await killed.exited, null)
    survivor.signal('SIGCONT')

    const confirmations = () => uniqueMessages(stack.smtp, guest.email, 'Booking confirmed')
    const decisions = () => uniqueMessages(stack.smtp, complainer.email, 'Your complaint was approved')
    await waitUntil(
      'every job is done on the remaining worker',
      async () =>
        (await refundsIn(complaints, 'funded')) === 50 &&
        (await pendingJobs(sql, 'fund-payout')) === 0 &&
        (await pendingJobs(sql, 'send-email')) === 0,
      { timeoutMs: 150_000, intervalMs: 500 },
    )
    assert.equal(confirmations().length, 100)
    assert.equal(decisions().length, 50)
    const funded = [...stack.wise.transfers.values()].filter((transfer) => transfer.status === 'processing')
    assert.equal(funded.length, 50)
    assert.ok(funded.every((transfer) => transfer.fundings === 1))
    const { rows } = await sql.query<{ state: string; retried: boolean; count: number }>(
      `select state, retry_count > 0 as retried, count(*)::int as count from pgboss.job
        where name in ('send-email', 'fund-payout') group by 1, 2`,
    )
    assert.deepEqual(
      rows.filter((row) => row.state === 'failed'),
      [],
      'no job failed',
    )
    assert.ok(
      rows.some((row) => row.retried),
      `the killed worker had jobs running, which another attempt finished: ${JSON.stringify(rows)}`,
    )
  })

  it('stops an API process under load with SIGTERM: it exits 0, clients see no 5xx and no reset', async () => {
    await enqueued
    const [guest, { hotel, room }] = await Promise.all([createAccount(stack, [], 'guest'), roomFor(1000)])
    const stopping = stack.apis[0]
    assert.ok(stopping)
    const rooms = `${stack.url}/api/hotels/${hotel}/rooms`
    // A number of requests rather than a duration, so none is cut off when the load ends; under
    // nginx's 1000 requests per client connection (keepalive_requests), which autocannon does not follow.
    const load = autocannon({ url: rooms, connections: 16, amount: 12_000 })
    const posted: (number | string)[] = []
    let posting = true
    const posters = Array.from({ length: 3 }, async () => {
      while (posting && posted.length < 300) {
        const stay = { room_id: room, date_from: daysFromNow(40), date_to: daysFromNow(41) }
        try {
          posted.push((await call(stack.url, '/api/bookings', { headers: guest.headers, body: stay })).status)
        } catch (error) {
          posted.push(error instanceof Error ? error.message : String(error))
        }
      }
    })
    await sleep(2000)
    stopping.signal('SIGTERM')
    const code = await stopping.exited
    const result = await load
    posting = false
    await Promise.all(posters)

    assert.equal(code, 0, stopping.output().slice(-2000))
    assert.equal(result.errors, 0, 'no connection errors')
    assert.equal(result.resets, 0, 'no reset connections')
    assert.equal(result.non2xx, 0, JSON.stringify(result.statusCodeStats))
    assert.ok(result.requests.total > 100, `load went on (${result.requests.total} requests)`)
    assert.deepEqual(
      posted.filter((status) => status !== 201),
      [],
      `every booking posted was made (${posted.length})`,
    )
  })
})
