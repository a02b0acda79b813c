import { createAuthModule } from './modules/auth/index.ts'
import { registerHealthRoutes, type ReadinessCheck } from './platform/http/health.ts'
import { createHttpServer, type App } from './platform/http/server.ts'
import type { Platform } from './platform/platform.ts'

const TAGS = [
  { name: 'platform', description: 'Health and readiness.' },
  { name: 'auth', description: 'Accounts, login, tokens and the caller’s own profile.' },
  { name: 'users', description: 'Admin management of users and roles.' },
]

/** The HTTP application: platform conventions, then every module's routes, in one visible list. */
export async function buildApp(platform: Platform): Promise<App> {
  const app = await createHttpServer({
    config: platform.config,
    logger: platform.logger,
    redis: platform.redis,
    tags: TAGS,
  })

  const auth = createAuthModule(platform)

  registerHealthRoutes(app, readinessChecks(platform))
  await auth.routes(app)

  await app.ready()
  return app
}

function readinessChecks(platform: Platform): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [{ name: 'database', check: () => platform.database.ping() }]
  const { redis } = platform
  if (redis)
    checks.push({
      name: 'redis',
      check: async () => {
        await redis.ping()
      },
    })
  return checks
}
