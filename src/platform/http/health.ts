import { Type } from 'typebox'
import type { App } from './server.ts'

export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

const CHECK_TIMEOUT_MS = 2000

const Health = Type.Object({ status: Type.Literal('ok') })
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
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
        summary: 'Readiness: the database (and Redis, the job queue when configured) answer',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(
        checks.map(async (readiness) => {
          const { name } = readiness
          try {
            await withTimeout(readiness.check(), CHECK_TIMEOUT_MS)
            return [name, 'ok'] as const
          } catch (error) {
            request.log.warn({ err: error, check: name }, 'readiness check failed')
            return [name, 'failed'] as const
          }
        }),
      )
      const ready = results.every(([, result]) => result === 'ok')
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) })
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
