import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace'
import { startTracing } from './tracing-sdk.ts'

// As `node --import instrument.ts` does: the SDK first, the application's modules after it.
const exporter = new InMemorySpanExporter()
const sdk = await startTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
const { buildTestApp } = await import('../../../test/helpers/app.ts')
const { signIn } = await import('../../../test/helpers/accounts.ts')
const { waitUntil } = await import('../../../test/helpers/wait.ts')
const { createLogger } = await import('./logger.ts')

const PASSWORD = 'a-password-nobody-may-see'
const logLines: Record<string, unknown>[] = []
const logs = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logLines.push(JSON.parse(line) as Record<string, unknown>)
    done()
  },
})

let t: Awaited<ReturnType<typeof buildTestApp>>
let base: string

before(async () => {
  t = await buildTestApp({ logger: createLogger({ logLevel: 'info' }, logs) })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
})

after(async () => {
  await t.close()
  await sdk.shutdown()
})

/** The server span of the request whose span is named `name`, once it has ended. */
async function serverSpan(name: string): Promise<ReadableSpan> {
  let found: ReadableSpan | undefined
  await waitUntil(`the span "${name}" has ended`, () => {
    found = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.name === name)
    return found !== undefined
  })
  assert.ok(found)
  return found
}

const inTrace = (traceId: string) =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId)
function statementOf(span: ReadableSpan): string {
  const text = span.attributes['db.query.text'] ?? span.attributes['db.statement']
  return typeof text === 'string' ? text : ''
}

describe('traces', () => {
  let registration: ReadableSpan

  it('make one trace of a request, its database queries and the job it enqueues, named by route template', async () => {
    const response = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'traced@example.com',
        password: PASSWORD,
        first_name: 'T',
        last_name: 'R',
      }),
    })
    assert.equal(response.status, 201)
    registration = await serverSpan('POST /api/auth/register')
    assert.equal(registration.attributes['http.route'], '/api/auth/register')
    const statements = inTrace(registration.spanContext().traceId).map(statementOf)
    assert.ok(
      statements.some((text) => /insert into "users"/i.test(text)),
      'the user’s insert is in the trace',
    )
    assert.ok(
      statements.some((text) => /pgboss/i.test(text) && /insert/i.test(text)),
      'so is the job’s',
    )
  })

  it('run each job in a span of its own, linked to the request that enqueued it', async () => {
    await t.platform.jobs.drain()
    const run = exporter.getFinishedSpans().find((span) => span.name === 'job send-email')
    assert.ok(run, 'the job has a span')
    assert.equal(run.kind, SpanKind.CONSUMER)
    assert.deepEqual(
      run.links.map((link) => link.context.traceId),
      [registration.spanContext().traceId],
    )
  })

  it('name spans by the route template, never by the ids in the path', async () => {
    const user = await signIn(t)
    const response = await fetch(`${base}/api/companies/4242`, { headers: user.headers })
    assert.equal(response.status, 403)
    await response.body?.cancel()
    await serverSpan('GET /api/companies/:id')
    assert.ok(!exporter.getFinishedSpans().some((span) => span.name.includes('4242')))
  })

  it('record no password, token, authorization header or query value in any attribute', async () => {
    const user = await signIn(t)
    const me = await fetch(`${base}/api/auth/me?email=someone%40example.com`, { headers: user.headers })
    await me.body?.cancel()
    const callback = await fetch(`${base}/api/auth/sso/nobody/callback?state=secret-state&code=secret-code`)
    await callback.body?.cancel()
    await serverSpan('GET /api/auth/sso/:provider/callback')
    const recorded = JSON.stringify(
      exporter
        .getFinishedSpans()
        .map((span) => [span.attributes, span.events.map((event) => event.attributes)]),
    )
    for (const secret of [
      PASSWORD,
      user.access,
      user.refresh,
      'secret-state',
      'secret-code',
      'someone',
      'Bearer',
    ]) {
      assert.ok(!recorded.includes(secret), `no attribute holds ${secret.slice(0, 12)}…`)
    }
    assert.ok(!/authorization|cookie/i.test(recorded))
  })

  it(
    'trace the Redis commands a request sends, in its trace, naming the command without its keys or values',
    { skip: process.env.TEST_REDIS_URL ? false : 'the app uses Redis only when TEST_REDIS_URL is set' },
    async () => {
      const response = await fetch(`${base}/api/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'traced@example.com', password: PASSWORD }),
      })
      assert.equal(response.status, 200)
      await response.body?.cancel()
      const login = await serverSpan('POST /api/token/')
      const commands = inTrace(login.spanContext().traceId).filter(
        (span) => span.attributes['db.system.name'] === 'redis',
      )
      assert.ok(commands.length > 0, 'the login rate limit’s Redis commands are in the trace')
      for (const command of commands) {
        assert.equal(command.kind, SpanKind.CLIENT)
        assert.equal(command.parentSpanContext?.traceId, login.spanContext().traceId)
        assert.doesNotMatch(JSON.stringify(command.attributes), /traced@example\.com|bureau-test:/)
      }
    },
  )

  it('put the request id and the trace id on the same log line', async () => {
    const traceId = registration.spanContext().traceId
    const line = logLines.find((entry) => entry.msg === 'request completed' && entry.trace_id === traceId)
    assert.ok(line, 'the request’s log line names its trace')
    assert.match(String(line.reqId), /^req-/)
  })
})
