import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { pino } from 'pino'
import { Type } from 'typebox'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { waitUntil } from '../../../test/helpers/wait.ts'
import type { Database } from '../database/database.ts'
import { transaction } from '../database/transaction.ts'
import {
  createJobs,
  defineJob,
  derivedJobId,
  type JobContext,
  type JobDefinition,
  type Jobs,
} from './jobs.ts'

const logger = pino({ level: 'silent' })
const Count = Type.Object({ count: Type.Integer({ minimum: 0 }) })
const WORKERS = { concurrency: 4, pollIntervalSeconds: 0.5 }

let database: Database

before(async () => {
  database = await createTestDatabase()
})
after(async () => {
  await database.close()
})

/** A queue name no other test uses, so tests sharing the database never see each other's jobs. */
function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

/** A job whose handler records every call (payload and context) before running `behave`. */
function recordingJob(
  options: Partial<JobDefinition<typeof Count>> & {
    behave?: (context: JobContext) => Promise<void>
  } = {},
) {
  const calls: { count: number; jobId: string; attempt: number }[] = []
  const job = defineJob({
    name: uniqueName('record'),
    payload: Count,
    ...options,
    handle: async ({ count }, context) => {
      calls.push({ count, jobId: context.jobId, attempt: context.attempt })
      await options.behave?.(context)
    },
  })
  return { job, calls }
}

/** A started queue instance (one "worker process") knowing `definitions`; stopped after the test. */
async function startJobs(t: TestContext, definitions: JobDefinition[]): Promise<Jobs> {
  const jobs = createJobs(database, logger, { maintenance: false })
  jobs.register(definitions)
  await jobs.start()
  t.after(() => jobs.stop(10_000))
  return jobs
}

async function jobState(id: string): Promise<string | undefined> {
  const { rows } = await sql<{ state: string }>`select state from pgboss.job where id = ${id}`.execute(
    database.db,
  )
  return rows[0]?.state
}

describe('jobs with an id of their own', () => {
  it('a second send with the same id creates nothing, and the job runs once', async (t) => {
    const { job, calls } = recordingJob()
    const jobs = await startJobs(t, [job])
    const id = derivedJobId('3b1e8c9a-5f2d-4c1b-9a7e-2d4f6b8c0e1a', 'email')
    assert.equal(await jobs.send(job, { count: 1 }, { executor: database.db, id }), id)
    assert.equal(await jobs.send(job, { count: 2 }, { executor: database.db, id }), null)
    assert.equal(await jobs.drain(), 1)
    assert.deepEqual(
      calls.map((call) => [call.count, call.jobId]),
      [[1, id]],
    )
  })

  it('a derived id is a UUID fixed by its inputs, and differs by purpose', () => {
    const jobId = '3b1e8c9a-5f2d-4c1b-9a7e-2d4f6b8c0e1a'
    assert.match(
      derivedJobId(jobId, 'email'),
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    assert.equal(derivedJobId(jobId, 'email'), derivedJobId(jobId, 'email'))
    assert.notEqual(derivedJobId(jobId, 'email'), derivedJobId(jobId, 'payout'))
  })
})

describe('enqueuing in a transaction', () => {
  it('a job enqueued in a rolled-back transaction never runs', async (t) => {
    const { job, calls } = recordingJob()
    const jobs = await startJobs(t, [job])
    await assert.rejects(
      transaction(database.db, async (tx) => {
        await jobs.send(job, { count: 1 }, { executor: tx })
        throw new Error('the change is refused')
      }),
      /the change is refused/,
    )
    assert.equal(await jobs.drain(), 0)
    assert.deepEqual(calls, [])
  })

  it('a job enqueued in a committed transaction runs exactly once', async (t) => {
    const { job, calls } = recordingJob()
    const jobs = await startJobs(t, [job])
    const id = await transaction(database.db, (tx) => jobs.send(job, { count: 7 }, { executor: tx }))
    assert.equal(await jobs.drain(), 1)
    assert.equal(await jobs.drain(), 0)
    assert.deepEqual(calls, [{ count: 7, jobId: id, attempt: 1 }])
  })

  it('a job belongs to the Kysely transaction it is sent with, even one opened without transaction()', async (t) => {
    const { job, calls } = recordingJob()
    const jobs = await startJobs(t, [job])
    await assert.rejects(
      database.db.transaction().execute(async (tx) => {
        await jobs.send(job, { count: 1 }, { executor: tx })
        throw new Error('the change is refused')
      }),
      /the change is refused/,
    )
    await database.db.transaction().execute((tx) => jobs.send(job, { count: 2 }, { executor: tx }))
    assert.equal(await jobs.drain(), 1)
    assert.deepEqual(
      calls.map((call) => call.count),
      [2],
    )
  })
})

describe('registering and sending', () => {
  it('registering the same job twice throws', async (t) => {
    const { job } = recordingJob()
    const jobs = await startJobs(t, [job])
    assert.throws(() => {
      jobs.register([job])
    }, /registered twice/)
  })

  it('sending a job that was never registered throws', async (t) => {
    const jobs = await startJobs(t, [])
    const { job } = recordingJob()
    await assert.rejects(jobs.send(job, { count: 1 }, { executor: database.db }), /Unknown job/)
  })

  it('a payload that does not match the schema is refused at send, and nothing is enqueued', async (t) => {
    const { job, calls } = recordingJob()
    const jobs = await startJobs(t, [job])
    const notACount = { count: 'three' } as unknown as { count: number }
    await assert.rejects(jobs.send(job, notACount, { executor: database.db }), /Invalid payload.*\/count/)
    assert.equal(await jobs.drain(), 0)
    assert.deepEqual(calls, [])
  })
})

describe('failures', () => {
  /** A job, and a second instance on the same database sending it a payload its schema refuses. */
  async function invalidPayloadSent(t: TestContext) {
    const { job, calls } = recordingJob({ retryLimit: 3, retryDelaySeconds: 3600 })
    const receiver = await startJobs(t, [job])
    // Another version of the code, whose schema for the same job is looser.
    const looseJob = defineJob({
      name: job.name,
      payload: Type.Object({ count: Type.Unknown() }),
      handle: async () => {},
    })
    const sender = await startJobs(t, [looseJob])
    const deadBefore = await receiver.deadLetterCount()
    const id = await sender.send(looseJob, { count: 'three' }, { executor: database.db })
    return { receiver, calls, deadBefore, id: id! }
  }

  it('a payload that fails validation on receipt is dead-lettered by drain() without running', async (t) => {
    const { receiver, calls, deadBefore, id } = await invalidPayloadSent(t)
    assert.equal(await receiver.drain(), 1)
    assert.deepEqual(calls, [])
    assert.equal(await jobState(id), 'failed')
    assert.equal(await receiver.deadLetterCount(), deadBefore + 1)
  })

  it('a payload that fails validation on receipt is dead-lettered by a worker without retries', async (t) => {
    const { receiver, calls, deadBefore, id } = await invalidPayloadSent(t)
    await receiver.work(WORKERS)
    await waitUntil(
      'the job is dead-lettered',
      async () => (await receiver.deadLetterCount()) === deadBefore + 1,
    )
    assert.deepEqual(calls, [])
    assert.equal(await jobState(id), 'failed')
  })

  it('a failing handler is retried retryLimit times, then dead-lettered', async (t) => {
    const { job, calls } = recordingJob({
      retryLimit: 2,
      retryDelaySeconds: 0,
      behave: async () => {
        throw new Error('the provider is down')
      },
    })
    const jobs = await startJobs(t, [job])
    const deadBefore = await jobs.deadLetterCount()
    const id = await jobs.send(job, { count: 1 }, { executor: database.db })
    await jobs.work(WORKERS)

    await waitUntil('the job is dead-lettered', async () => (await jobs.deadLetterCount()) === deadBefore + 1)
    assert.deepEqual(
      calls.map((call) => call.attempt),
      [1, 2, 3],
    )
    assert.ok(calls.every((call) => call.jobId === id))
    assert.equal(await jobState(id!), 'failed')
  })
})

describe('workers', () => {
  it('two workers on one database run each of 40 jobs exactly once, never the same job twice at a time', async (t) => {
    const name = uniqueName('shared')
    const running = new Set<string>()
    const overlaps: string[] = []
    const runs: { jobId: string; worker: string }[] = []
    // The same job kind, as each of two worker processes would define it.
    const sharedJob = (worker: string) =>
      defineJob({
        name,
        payload: Count,
        handle: async (_payload, { jobId }) => {
          if (running.has(jobId)) overlaps.push(jobId)
          running.add(jobId)
          await sleep(10)
          running.delete(jobId)
          runs.push({ jobId, worker })
        },
      })
    const first = await startJobs(t, [sharedJob('first')])
    const second = await startJobs(t, [sharedJob('second')])
    const ids: string[] = []
    for (let count = 0; count < 40; count++) {
      ids.push((await first.send(sharedJob('first'), { count }, { executor: database.db }))!)
    }
    await Promise.all([first.work(WORKERS), second.work(WORKERS)])

    await waitUntil('every job has run', () => new Set(runs.map((run) => run.jobId)).size === ids.length)
    await Promise.all([first.stop(10_000), second.stop(10_000)])
    assert.deepEqual(overlaps, [])
    assert.deepEqual(runs.map((run) => run.jobId).sort(), [...ids].sort(), 'each job ran exactly once')
    assert.deepEqual(
      new Set(runs.map((run) => run.worker)),
      new Set(['first', 'second']),
      'both workers took jobs',
    )
    for (const id of ids) assert.equal(await jobState(id), 'completed')
  })

  it('stopping waits for the running job to finish', async (t) => {
    let release = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const events: string[] = []
    const { job, calls } = recordingJob({
      behave: async () => {
        await released
        events.push('job finished')
      },
    })
    const jobs = await startJobs(t, [job])
    const id = await jobs.send(job, { count: 1 }, { executor: database.db })
    await jobs.work(WORKERS)
    await waitUntil('the job is running', () => calls.length === 1)

    const stopped = jobs.stop(10_000).then(() => events.push('stopped'))
    await sleep(300)
    assert.deepEqual(events, [], 'stop() returned while the job was still running')
    release()
    await stopped
    assert.deepEqual(events, ['job finished', 'stopped'])
    assert.equal(await jobState(id!), 'completed')
  })
})
