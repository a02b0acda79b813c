import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { signIn } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { defineJob } from '../jobs/jobs.ts'

interface SentryEvent {
  exception?: { values?: { type?: string; value?: string }[] }
  tags?: Record<string, string>
  user?: Record<string, string>
  release?: string
  environment?: string
}

/** Stands in for Sentry's ingestion endpoint: keeps the events of every envelope it is sent. */
const events: SentryEvent[] = []
const stub: Server = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    const body = Buffer.concat(chunks)
    const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString()
    // An envelope: its header, then an item header and its payload per item, a JSON document a line.
    const lines = text.split('\n').filter(Boolean)
    for (let at = 1; at + 1 < lines.length; at += 2) {
      const item = JSON.parse(lines[at] ?? '{}') as { type?: string }
      if (item.type === 'event') events.push(JSON.parse(lines[at + 1] ?? '{}') as SentryEvent)
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})

const broken = defineJob({
  name: 'reports-broken',
  payload: Type.Object({}),
  retryLimit: 0,
  handle: async () => {
    throw new Error('the job broke')
  },
})

let t: TestApp

before(async () => {
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve))
  const { port } = stub.address() as AddressInfo
  t = await buildTestApp({
    env: {
      SENTRY_DSN: `http://publickey@127.0.0.1:${port}/42`,
      SENTRY_ENVIRONMENT: 'staging',
      SENTRY_RELEASE: 'bureau@9.9.9',
    },
    beforeStart: (platform) => {
      platform.jobs.register([broken])
    },
  })
})

after(async () => {
  await t.close()
  stub.close()
})

async function reported(): Promise<SentryEvent[]> {
  await t.platform.errorReports.flush(5000)
  return events.splice(0)
}

describe('error reports', () => {
  it('report a failing handler’s error with the request id, the user id, the release and the environment', async () => {
    const user = await signIn(t, ['operator'])
    // The handler's table is gone: an error no rule expects.
    await sql`alter table companies rename to companies_elsewhere`.execute(t.platform.db)
    try {
      const response = await t.app.inject({ method: 'GET', url: '/api/companies', headers: user.headers })
      assert.equal(response.statusCode, 500)
      const [event, ...others] = await reported()
      assert.ok(event, 'an event was sent')
      assert.deepEqual(others, [])
      assert.equal(event.tags?.request_id, response.headers['x-request-id'])
      assert.equal(event.tags?.route, '/api/companies')
      assert.deepEqual(event.user, { id: String(user.id) }, 'the user id, not their email')
      assert.equal(event.release, 'bureau@9.9.9')
      assert.equal(event.environment, 'staging')
      assert.match(event.exception?.values?.[0]?.value ?? '', /companies/)
      assert.ok(!JSON.stringify(event).includes(user.email))
      assert.ok(!JSON.stringify(event).includes(user.access))
    } finally {
      await sql`alter table companies_elsewhere rename to companies`.execute(t.platform.db)
    }
  })

  it('do not report client errors (4xx)', async () => {
    const user = await signIn(t)
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/companies',
      headers: user.headers,
      payload: {},
    })
    assert.equal(response.statusCode, 403)
    const invalid = await t.app.inject({ method: 'POST', url: '/api/token/', payload: { email: 'x' } })
    assert.equal(invalid.statusCode, 400)
    assert.deepEqual(await reported(), [])
  })

  it('report a job that throws, with its queue and attempt', async () => {
    await t.platform.jobs.send(broken, {}, { executor: t.platform.db })
    await t.platform.jobs.drain()
    const [event] = await reported()
    assert.ok(event, 'an event was sent')
    assert.equal(event.exception?.values?.[0]?.value, 'the job broke')
    assert.deepEqual(event.tags, {
      queue: 'reports-broken',
      job_id: event.tags?.job_id,
      attempt: 1,
      final: true,
    })
  })
})
