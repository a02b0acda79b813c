import { conflict, notFound } from '../../platform/errors.ts'
import type { Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import type { App } from '../../platform/http/server.ts'
import type { Jobs } from '../../platform/jobs/jobs.ts'
import { Job, JobIdParams, JobsPage, JobsQuery } from './jobs.schemas.ts'

/** Background jobs for admins: what failed and why, and running a failed one again. */
export function jobRoutes(jobs: Jobs, guards: Guards, publicUrl: string) {
  const admins = [guards.authenticate, guards.requireRole('admin')]
  return async (app: App) => {
    app.get(
      '/api/jobs',
      {
        preHandler: admins,
        schema: {
          tags: ['jobs'],
          summary: 'List background jobs, newest first',
          description:
            'Every job of the queue (emails, payouts, images, …) with its runs and the error of its last failed run; `?state=failed` lists the ones that used up their runs.',
          querystring: JobsQuery,
          response: { 200: JobsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await jobs.list({ state: request.query.state }, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.post(
      '/api/jobs/:id/retry',
      {
        preHandler: admins,
        schema: {
          tags: ['jobs'],
          summary: 'Run a failed job again',
          description:
            'Failed jobs only (409 `job_not_failed` otherwise): the job gets one more run, with the same payload, as soon as a worker is free. Jobs check whether their effect already happened, so a retry does no harm.',
          params: JobIdParams,
          response: { 202: Job },
        },
      },
      async (request, reply) => {
        const outcome = await jobs.retry(request.params.id)
        if (outcome === 'not_found') throw notFound('Job')
        if (outcome === 'not_failed') throw conflict('job_not_failed', 'Only a failed job can be run again.')
        const { results } = await jobs.list({ id: request.params.id }, { limit: 1, offset: 0 })
        const [job] = results
        if (!job) throw notFound('Job')
        return reply.code(202).send(job)
      },
    )
  }
}
