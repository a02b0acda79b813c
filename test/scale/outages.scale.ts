import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { runCommand } from '../helpers/processes.ts'
import { startStack, type Proc, type Stack } from './stack.ts'
import {
  startThrowawayPostgres,
  startThrowawayRedis,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from './throwaway.ts'

/*
 * The database restarted and Redis stopped under a running stack (2 APIs behind nginx, 2 workers), each
 * on a throwaway server of this file's own — never the machine's shared PostgreSQL or Redis.
 */

const ADMIN = { email: 'outages-admin@bureau.test', password: 'outages-admin-password' }
const LOGIN_LIMIT = 3
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)

interface Answer {
  status: number
  contentType: string
  code: string | undefined
  bookingId: number | undefined
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init)
  const text = await response.text()
  const body = (text.startsWith('{') ? JSON.parse(text) : {}) as { code?: string; id?: number }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    code: body.code,
    bookingId: response.status === 201 ? body.id : undefined,
  }
}

/** Polls until `check` holds; fails the test (by its timeout) otherwise. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) await sleep(100)
}

const readiness = async (api: Proc) => {
  const response = await fetch(`${api.url ?? ''}/ready`)
  return {
    status: response.status,
    body: (await response.json()) as { status: string; checks: Record<string, string> },
  }
}

/** send-email attempts this worker completed so far (its own Prometheus counter). */
async function emailsSentBy(worker: Proc): Promise<number> {
  const url = /"metrics":"([^"]+)"/.exec(worker.output())?.[1]
  assert.ok(url, `${worker.name} did not say where its metrics are`)
  const text = await (await fetch(url)).text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('bureau_jobs_processed_total{') && line.includes('queue="send-email"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
}

describe('outages', { timeout: 240_000 }, () => {
  let database: ThrowawayPostgres
  let redis: ThrowawayRedis
  let stack: Stack
  let sql: pg.Pool
  let admin: Record<string, string>
  let roomId: number

  before(async () => {
    database = await startThrowawayPostgres()
    redis = await startThrowawayRedis()
    stack = await startStack({
      databaseUrl: database.url(),
      redisUrl: redis.url,
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT) },
    })
    sql = new pg.Pool({ connectionString: database.url(), max: 2 })
    sql.on('error', () => undefined)
    const created = await runCommand(
      ['create-user', '--email', ADMIN.email, '--password', ADMIN.password, '--role', 'admin'],
      { PATH: process.env.PATH, HOME: process.env.HOME, ...stack.env },
    )
    assert.equal(created.code, 0, created.stderr)
    const json = { 'content-type': 'application/json' }
    const token = (await (
      await fetch(`${stack.url}/api/token/`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) })
    ).json()) as { access: string }
    admin = { ...json, authorization: `Bearer ${token.access}` }
    const post = async (path: string, body: unknown) =>
      (await (
        await fetch(`${stack.url}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) })
      ).json()) as { id: number }
    const hotel = await post('/api/hotels', { name: 'Hotel Resiliência', location: 'Recife' })
    roomId = (
      await post(`/api/hotels/${hotel.id}/rooms`, { name: 'Double', price: '150.00', quantity: 10_000 })
    ).id
  })

  after(async () => {
    await stack.stop()
    await sql.end()
    await redis.remove()
    await database.remove()
  })

  const book = (n: number) =>
    call(`${stack.url}/api/bookings`, {
      method: 'POST',
      headers: { ...admin, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ room_id: roomId, date_from: day(1 + (n % 25)), date_to: day(2 + (n % 25)) }),
    })
  const search = () => call(`${stack.url}/api/hotels?location=Recife&date_from=${day(3)}&date_to=${day(4)}`)

  /** Clients booking and searching through nginx until `stop()`; every answer kept. */
  function load(clients: number) {
    const answers: Answer[] = []
    let running = true
    const loops = Array.from({ length: clients }, async (_, client) => {
      for (let n = client; running; n += clients) answers.push(await (n % 2 ? search() : book(n)))
    })
    return {
      answers,
      stop: async () => {
        running = false
        await Promise.all(loops)
      },
    }
  }

  it('the database restarted under load: 503 problem+json while down, every process recovers, nothing half-written, lost or sent twice', async () => {
    const traffic = load(6)
    await eventually(async () => traffic.answers.filter((answer) => answer.status === 201).length >= 20)
    await database.stop('fast')

    // Answered while the database is down (not held until it returns): each of these completes first.
    for (const api of stack.apis) {
      const ready = await readiness(api)
      assert.equal(ready.status, 503)
      assert.equal(ready.body.checks.database, 'failed')
    }
    const whileDown = [await book(0), await search()]
    for (const answer of whileDown) {
      assert.deepEqual([answer.status, answer.code], [503, 'service_unavailable'])
      assert.match(answer.contentType, /^application\/problem\+json/)
    }

    await database.start()
    for (const api of stack.apis) await eventually(async () => (await readiness(api)).status === 200)
    const sentBefore = await Promise.all(stack.workers.map(emailsSentBy))
    const afterRestart = traffic.answers.length
    await eventually(
      async () => traffic.answers.slice(afterRestart).filter((a) => a.status === 201).length >= 40,
    )
    await traffic.stop()

    const unexpected = traffic.answers.filter(
      (answer) =>
        ![200, 201, 503].includes(answer.status) ||
        (answer.status === 503 && answer.code !== 'service_unavailable'),
    )
    assert.deepEqual(unexpected, [], 'only 200, 201 and 503 problem+json answers')
    assert.ok(
      traffic.answers.some((answer) => answer.status === 503),
      'the load met the outage',
    )

    // Nothing half-written: every committed booking has its confirmation job, and every 201 was committed.
    const bookings = (await sql.query<{ id: number }>('select id::int as id from bookings')).rows.map(
      (row) => row.id,
    )
    const confirmed = traffic.answers.flatMap((answer) =>
      answer.bookingId === undefined ? [] : [answer.bookingId],
    )
    assert.deepEqual(
      confirmed.filter((id) => !bookings.includes(id)),
      [],
      'a 201 for a booking not in the database',
    )
    const { rows: jobs } = await sql.query<{ count: number }>(
      "select count(*)::int as count from pgboss.job where name = 'send-email'",
    )
    assert.equal(jobs[0]?.count, bookings.length, 'one confirmation job per booking')

    // Nothing lost, nothing twice: one email per booking, each Message-ID once.
    await stack.smtp.waitFor(bookings.length, 60_000)
    await sleep(1000)
    const ids = stack.smtp.messages.map((message) => message.parsed.messageId)
    assert.equal(ids.length, bookings.length, 'emails delivered')
    assert.equal(new Set(ids).size, ids.length, 'no email sent twice')

    // Both workers took part after the restart, without being restarted.
    const sentAfter = await Promise.all(stack.workers.map(emailsSentBy))
    sentAfter.forEach((sent, index) => {
      assert.ok(
        sent > (sentBefore[index] ?? 0),
        `${stack.workers[index]?.name ?? ''} sent nothing after the restart`,
      )
    })
  })

  it('Redis stopped: the API keeps answering, rate limits count per process, and all is shared again once Redis returns', async () => {
    const [first, second] = stack.apis
    assert.ok(first?.url && second?.url)
    const login = (api: Proc, ip: string) =>
      call(`${api.url ?? ''}/api/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify(ADMIN),
      })

    await redis.stop()
    for (const api of stack.apis) {
      const ready = await readiness(api)
      assert.deepEqual(
        [ready.status, ready.body.status, ready.body.checks.redis],
        [200, 'degraded', 'failed'],
      )
    }
    for (let n = 0; n < 6; n++) assert.equal((await search()).status, 200)
    assert.equal((await book(100)).status, 201)
    // Counted in each process now: the limit holds on each API, and the other one still lets the same client in.
    for (let n = 0; n < LOGIN_LIMIT; n++) assert.equal((await login(first, '203.0.113.7')).status, 200)
    assert.equal((await login(first, '203.0.113.7')).status, 429)
    assert.equal((await login(second, '203.0.113.7')).status, 200)

    await redis.start()
    for (const api of stack.apis) await eventually(async () => (await readiness(api)).body.status === 'ok')
    // Shared again: attempts spread over both APIs add up to one limit.
    for (let n = 0; n < LOGIN_LIMIT; n++) {
      assert.equal((await login(n % 2 ? second : first, '203.0.113.8')).status, 200)
    }
    assert.equal((await login(first, '203.0.113.8')).status, 429)
    assert.equal((await login(second, '203.0.113.8')).status, 429)
    assert.equal((await search()).status, 200)
  })
})
