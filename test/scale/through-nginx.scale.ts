import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { REFUND_IBAN } from '../helpers/complaints.ts'
import { pictureBytes } from '../helpers/images.ts'
import { waitUntil } from '../helpers/wait.ts'
import { call, createAccount, daysFromNow, expectStatus, type Account } from './clients.ts'
import { NGINX_CONF, testNginxConfig, writeNginxConfig } from './nginx.ts'
import { freshDatabase, services, startStack, type FreshDatabase, type Stack } from './stack.ts'
import { pendingJobs, uniqueMessages } from './checks.ts'

/*
 * Two API processes and two workers behind nginx (deploy/nginx.conf), on PostgreSQL and Redis: what
 * one process does, the other sees; races between processes are settled in the database.
 */

const LOGIN_LIMIT = 10
let database: FreshDatabase
let stack: Stack
let sql: pg.Pool
let admin: Account
let guest: Account

before(async () => {
  database = await freshDatabase(services().databaseServerUrl)
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: services().redisUrl,
    env: {
      LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
      // Longer than the test: a fresh search result can only come from a purge, never from expiry.
      BOOKING_CACHE_TTL: '1h',
      COMPLAINTS_PER_DAY: '100',
    },
  })
  sql = new pg.Pool({ connectionString: database.url, max: 2 })
  ;[admin, guest] = await Promise.all([createAccount(stack, ['admin']), createAccount(stack, [], 'guest')])
})

after(async () => {
  await sql.end()
  await stack.stop()
  await database.drop()
})

/** The API processes (their addresses) that answered the access log's entries for `method path`. */
function servedBy(method: string, pathPattern: RegExp): Set<string> {
  return new Set(
    stack
      .accessLog()
      .filter((entry) => entry.method === method && pathPattern.test(entry.path))
      .map((entry) => entry.upstream),
  )
}

async function createHotel(rooms: number, location = `Town ${randomBytes(4).toString('hex')}`) {
  const hotel = await expectStatus<{ id: number; name: string }>(201, stack.url, '/api/hotels', {
    headers: admin.headers,
    body: { name: 'Hotel Farol', location, services: ['wifi'] },
  })
  const room = await expectStatus<{ id: number }>(201, stack.url, `/api/hotels/${hotel.id}/rooms`, {
    headers: admin.headers,
    body: { name: 'Double', price: '150.00', quantity: rooms },
  })
  return { hotel, room, location }
}

describe('deploy/nginx.conf', () => {
  it('passes nginx -t with only its marked lines substituted', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'bureau-nginx-t-'))
    try {
      const files = writeNginxConfig({
        folder,
        port: 18080,
        upstreams: ['127.0.0.1:13001', '127.0.0.1:13002'],
      })
      const result = await testNginxConfig(folder, files)
      assert.equal(result.code, 0, result.output)
      assert.match(result.output, /test is successful/)
      const original = readFileSync(NGINX_CONF, 'utf8').split('\n')
      const unmarked = (lines: string[]) =>
        lines.filter((line) => !/# (scale-test|substituted for):? /.test(line))
      assert.deepEqual(unmarked(readFileSync(files.config, 'utf8').split('\n')), unmarked(original))
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

describe('through nginx, over two API processes', () => {
  it('books the last 5 rooms exactly 5 times out of 100 concurrent requests, and sends each one confirmation', async () => {
    const { room } = await createHotel(5)
    const stay = { room_id: room.id, date_from: daysFromNow(20), date_to: daysFromNow(22) }
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(stack.url, '/api/bookings', { headers: guest.headers, body: stay }),
      ),
    )
    const statuses = answers.map((answer) => answer.status)
    assert.equal(statuses.filter((status) => status === 201).length, 5, statuses.join(' '))
    assert.equal(statuses.filter((status) => status === 409).length, 95, statuses.join(' '))
    assert.equal(servedBy('POST', /^\/api\/bookings$/).size, 2, 'both API processes took bookings')
    const { rows } = await sql.query<{ count: number }>(
      `select count(*)::int as count from bookings where room_id = $1 and status = 'confirmed'`,
      [room.id],
    )
    assert.equal(rows[0]?.count, 5)

    const confirmations = () => uniqueMessages(stack.smtp, guest.email, 'Booking confirmed')
    await waitUntil('5 confirmations arrived', () => confirmations().length >= 5, { timeoutMs: 30_000 })
    await waitUntil('no email job is left', async () => (await pendingJobs(sql, 'send-email')) === 0)
    assert.equal(confirmations().length, 5)
  })

  it('pays each refund once at Wise when two approvers approve 50 complaints at the same time', async () => {
    const [first, second, complainer] = await Promise.all([
      createAccount(stack, ['approver']),
      createAccount(stack, ['approver']),
      createAccount(stack, [], 'complainer'),
    ])
    await expectStatus(200, stack.url, '/api/auth/me', {
      method: 'PATCH',
      headers: complainer.headers,
      body: { iban: REFUND_IBAN },
    })
    const photo = (await pictureBytes()).toString('base64')
    const ids: number[] = []
    for (let index = 0; index < 50; index++) {
      const filed = await expectStatus<{ id: number }>(201, stack.url, '/api/complaints', {
        headers: complainer.headers,
        body: {
          title: `Broken chair ${index}`,
          description: 'A leg broke.',
          amount: '20.00',
          encoded_photo: photo,
          extension: 'jpg',
        },
      })
      ids.push(filed.id)
    }
    const decisions = await Promise.all(
      ids.flatMap((id) =>
        [first, second].map(async (approver) => {
          const answer = await call(stack.url, `/api/complaints/${id}/approve`, {
            method: 'PUT',
            headers: approver.headers,
          })
          return { id, status: answer.status }
        }),
      ),
    )
    for (const id of ids) {
      const statuses = decisions.filter((decision) => decision.id === id).map((decision) => decision.status)
      assert.deepEqual(statuses.sort(), [200, 409], `complaint ${id}`)
    }
    assert.equal(
      servedBy('PUT', /^\/api\/complaints\/\d+\/approve$/).size,
      2,
      'both API processes took approvals',
    )

    const funded = async () => {
      const { rows } = await sql.query<{ count: number }>(
        `select count(*)::int as count from payouts where purpose = 'complaint_refund' and status = 'funded' and subject_id = any($1)`,
        [ids],
      )
      return rows[0]?.count ?? 0
    }
    await waitUntil('all 50 refunds are funded', async () => (await funded()) === 50, { timeoutMs: 60_000 })
    const transfers = [...stack.wise.transfers.values()]
    assert.equal(transfers.length, 50)
    assert.deepEqual(
      transfers.map((transfer) => transfer.fundings),
      transfers.map(() => 1),
    )
    assert.equal(stack.wise.calls('POST', /^\/v3\/profiles\/\d+\/transfers\/\d+\/payments$/).length, 50)

    const approvals = () => uniqueMessages(stack.smtp, complainer.email, 'Your complaint was approved')
    await waitUntil('50 decision emails arrived', () => approvals().length >= 50, { timeoutMs: 30_000 })
    await waitUntil('no email job is left', async () => (await pendingJobs(sql, 'send-email')) === 0)
    assert.equal(approvals().length, 50)
  })

  it('purges a cached search on every process when one process changes the hotel', async () => {
    const [one, other] = stack.apis.map((api) => api.url ?? '')
    const { hotel, location } = await createHotel(2)
    const search = `/api/hotels?location=${encodeURIComponent(location)}`
    const names = async (base: string) =>
      (await expectStatus<{ results: { name: string }[] }>(200, base, search)).results.map(
        (found) => found.name,
      )

    assert.deepEqual(await names(other ?? ''), ['Hotel Farol'])
    // Changed behind Bureau's back: only the shared cache can still answer the old name, on either process.
    await sql.query(`update hotels set name = 'Renamed in the database' where id = $1`, [hotel.id])
    assert.deepEqual(
      await names(one ?? ''),
      ['Hotel Farol'],
      'the search cached by the other process is shared',
    )

    await expectStatus(200, one ?? '', `/api/hotels/${hotel.id}`, {
      method: 'PATCH',
      headers: admin.headers,
      body: { name: 'Hotel Farol Novo' },
    })
    assert.deepEqual(await names(other ?? ''), ['Hotel Farol Novo'])
  })

  it('counts logins from one address against one limit, whichever process answers', async () => {
    const client = '127.0.0.9'
    const statuses: number[] = []
    for (let attempt = 0; attempt < LOGIN_LIMIT + 4; attempt++) {
      const answer = await call(stack.url, '/api/token/', {
        // A new email each time: failed logins of one account are limited on their own (its lockout).
        body: { email: `nobody-${attempt}@example.com`, password: 'wrong-password-here' },
        localAddress: client,
      })
      statuses.push(answer.status)
    }
    assert.deepEqual(statuses, [...Array<number>(LOGIN_LIMIT).fill(401), 429, 429, 429, 429])
    const served = stack.accessLog().filter((entry) => entry.client === client && entry.status === 401)
    assert.equal(
      new Set(served.map((entry) => entry.upstream)).size,
      2,
      'both API processes answered this client',
    )
  })

  it('answers an Idempotency-Key retry on the other process with the first response', async () => {
    const [one, other] = stack.apis.map((api) => api.url ?? '')
    const { room } = await createHotel(3)
    const key = randomUUID()
    const booking = { room_id: room.id, date_from: daysFromNow(10), date_to: daysFromNow(12) }
    const headers = { ...guest.headers, 'idempotency-key': key }
    const first = await call(one ?? '', '/api/bookings', { headers, body: booking })
    assert.equal(first.status, 201, first.text)
    const retried = await call(other ?? '', '/api/bookings', { headers, body: booking })
    assert.equal(retried.status, 201, retried.text)
    assert.deepEqual(retried.json(), first.json())
    assert.equal(retried.headers['idempotent-replayed'], 'true')
    const { rows } = await sql.query<{ count: number }>(
      `select count(*)::int as count from bookings where room_id = $1`,
      [room.id],
    )
    assert.equal(rows[0]?.count, 1)
  })
})
