import { createGuards, type Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { Platform } from '../../platform/platform.ts'
import type { AuthTables } from './auth.repository.ts'
import { authRoutes } from './auth.routes.ts'
import { createAuthService, type AuthService, type NewAccount } from './auth.service.ts'
import { userRoutes } from './users.routes.ts'

export type { NewAccount }

export interface AuthModule {
  routes: (app: App) => Promise<void>
  api: {
    /** `authenticate` and `requireRole(...)` preHandlers for every module's routes. */
    guards: Guards
    createAccount: AuthService['createAccount']
  }
}

export function createAuthModule(platform: Platform): AuthModule {
  const { config } = platform
  const auth = createAuthService(platform.db.$extendTables<AuthTables>(), platform.clock, {
    jwtSecret: config.jwtSecret,
    accessTtlSeconds: config.jwtAccessTtlSeconds,
    refreshTtlSeconds: config.jwtRefreshTtlSeconds,
    lockoutThreshold: config.loginLockoutThreshold,
  })
  const guards = createGuards(auth.resolveActor)
  const ownRoutes = authRoutes(auth, guards, { loginRateLimitPerMinute: config.loginRateLimitPerMinute })
  const adminRoutes = userRoutes(auth, guards, config.publicUrl)
  return {
    routes: async (app) => {
      await ownRoutes(app)
      await adminRoutes(app)
    },
    api: { guards, createAccount: auth.createAccount },
  }
}
