import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Type } from 'typebox'
import { signIn, type SignedInUser } from '../../../test/helpers/accounts.ts'
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts'
import { assertProblem } from '../../../test/helpers/problems.ts'
import { defineJob } from '../../platform/jobs/jobs.ts'

interface JobBody {
  id: string
  queue: string
  state: string
  attempts: number
  max_attempts: number
  last_error: string | null
}

const printer = { broken: true }
const printJob = defineJob({
  name: 'test.print-receipt',
  payload: Type.Object({ receipt: Type.Integer() }),
  retryLimit: 0,
  handle: async () => {
    await Promise.resolve()
    if (printer.broken) throw new Error('The printer is on fire.')
  },
})

describe('background jobs for admins', () => {
  let t: TestApp
  let admin: SignedInUser
  let failedId: string

  before(async () => {
    t = await buildTestApp({
      beforeStart: (platform) => {
        platform.jobs.register([printJob])
      },
    })
    admin = await signIn(t, ['admin'])
    failedId = (await t.platform.jobs.send(printJob, { receipt: 7 }, { executor: t.platform.db })) ?? ''
    await t.platform.jobs.drain()
  })
  after(() => t.close())

  async function listJobs(user: SignedInUser, query = '') {
    return t.app.inject({ url: `/api/jobs${query}`, headers: user.headers })
  }

  it('is for admins only: 401 without a token, 403 for operators and approvers', async () => {
    assertProblem(await t.app.inject({ url: '/api/jobs' }), 401, 'not_authenticated')
    for (const role of ['operator', 'approver'] as const) {
      const user = await signIn(t, [role])
      assertProblem(await listJobs(user), 403, 'forbidden')
      assertProblem(
        await t.app.inject({ method: 'POST', url: `/api/jobs/${failedId}/retry`, headers: user.headers }),
        403,
        'forbidden',
      )
    }
  })

  it('lists a job that used up its runs under ?state=failed, with its last error', async () => {
    const response = await listJobs(admin, '?state=failed')
    assert.equal(response.statusCode, 200)
    const { results } = response.json<{ results: JobBody[] }>()
    const job = results.find((result) => result.id === failedId)
    assert.deepEqual(
      job && {
        queue: job.queue,
        state: job.state,
        last_error: job.last_error,
        max_attempts: job.max_attempts,
      },
      {
        queue: 'test.print-receipt',
        state: 'failed',
        last_error: 'The printer is on fire.',
        max_attempts: 1,
      },
    )
    assert.ok(results.every((result) => result.state === 'failed'))
  })

  it('refuses an unknown state with a 400 on state', async () => {
    assertProblem(await listJobs(admin, '?state=broken'), 400, 'validation_failed')
  })

  it('runs a failed job again: 202, then it completes; a job that is not failed is a 409', async () => {
    printer.broken = false
    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/jobs/${failedId}/retry`,
      headers: admin.headers,
    })
    assert.equal(retried.statusCode, 202)
    assert.equal(retried.json<JobBody>().state, 'retry')
    await t.platform.jobs.drain()
    const { results } = (await listJobs(admin, '?state=completed')).json<{ results: JobBody[] }>()
    assert.ok(results.some((result) => result.id === failedId))
    assertProblem(
      await t.app.inject({ method: 'POST', url: `/api/jobs/${failedId}/retry`, headers: admin.headers }),
      409,
      'job_not_failed',
    )
  })

  it('answers 404 for an unknown job and 400 for an id that is not a UUID', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/api/jobs/${randomUUID()}/retry`,
      headers: admin.headers,
    })
    assertProblem(unknown, 404, 'not_found')
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/jobs/42/retry',
      headers: admin.headers,
    })
    assertProblem(malformed, 400, 'validation_failed')
  })
})
