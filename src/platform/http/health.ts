import { Type } from 'typebox'
import type { App } from './server.ts'

export interface ReadinessCheck {
  name: string
  check(): Promise<void>
  /**
   * The process serves without it, in a reduced way (Redis: no shared cache, rate limits per
   * process): its failure makes the answer `degraded`, still 200, so a load balancer does not take
   * every replica out of service at once for an outage they all ride out.
   */
  degradesOnly?: boolean
}

const CHECK_TIMEOUT_MS = 2000

const Health = Type.Object({ status: Type.Literal('ok') })
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('unavailable')], {
    description:
      '`ok`: every check passed. `degraded`: only a check the API can serve without failed (Redis), 200. `unavailable`: the database or the job queue failed, 503.',
  }),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.Literal('failed')]), {
    examples: [{ database: 'ok' }],
  }),
})

/** `/health`: the process answers. `/ready`: its dependencies answer too (load balancers use this). */
export function registerHealthRoutes(app: App, checks: ReadinessCheck[]): void {
  app.get(
    '/health',
    { schema: { tags: ['platform'], summary: 'Liveness', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  )
  app.get(
    '/ready',
    {
      schema: {
        tags: ['platform'],
        summary: 'Readiness: the database and the job queue answer (Redis too, or the answer is degraded)',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(
        checks.map(async (readiness) => {
          try {
            await withTimeout(readiness.check(), CHECK_TIMEOUT_MS)
            return { readiness, passed: true }
          } catch (error) {
            request.log.warn({ err: error, check: readiness.name }, 'readiness check failed')
            return { readiness, passed: false }
          }
        }),
      )
      const failed = results.filter(({ passed }) => !passed)
      const status =
        failed.length === 0
          ? ('ok' as const)
          : failed.every(({ readiness }) => readiness.degradesOnly)
            ? ('degraded' as const)
            : ('unavailable' as const)
      const checksResult = Object.fromEntries(
        results.map(({ readiness, passed }) => [
          readiness.name,
          passed ? ('ok' as const) : ('failed' as const),
        ]),
      )
      return reply.code(status === 'unavailable' ? 503 : 200).send({ status, checks: checksResult })
    },
  )
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`timed out after ${ms} ms`))
        }, ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
