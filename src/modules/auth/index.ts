import { createGuards, type Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import type { AuthTables } from './auth.repository.ts'
import { accountRecoveryRoutes } from './account-recovery.routes.ts'
import { createAccountRecovery } from './account-recovery.service.ts'
import { authRoutes } from './auth.routes.ts'
import { createAuthService, type AuthService, type NewAccount, type SupplierOfUser } from './auth.service.ts'
import { userRoutes } from './users.routes.ts'
import { createUsersService } from './users.service.ts'
import { createIdentitiesService } from './identities.service.ts'
import { createOidcProviders } from './oidc-providers.ts'
import { createSsoSignIn } from './sso-sign-in.ts'
import type { SsoTables } from './sso.repository.ts'
import { ssoRoutes } from './sso.routes.ts'
import { activeUsersByRole } from './user-stats.ts'
import type { Role } from '../../platform/http/actor.ts'

export type { NewAccount }

export interface AuthModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
  api: {
    /** `authenticate` and `requireRole(...)` preHandlers for every module's routes. */
    guards: Guards
    createAccount: AuthService['createAccount']
    /** A user's email and first name, for other modules' emails. */
    contactOf: AuthService['contactOf']
    /** A user's names, email and refund IBAN. */
    profileOf: AuthService['profileOf']
    userIdByEmail: AuthService['userIdByEmail']
    stats: {
      /** Active users in all and by role, for statistics. */
      activeUsersByRole(): Promise<{ users: number; byRole: Record<Role, number> }>
    }
  }
}

export interface AuthDependencies {
  /** The supplier a user acts for, shown on their profile (supplier payments provides it). */
  supplierOfUser?: SupplierOfUser
}

export function createAuthModule(platform: Platform, deps: AuthDependencies = {}): AuthModule {
  const { config } = platform
  const db = platform.db.$extendTables<AuthTables>()
  const recovery = createAccountRecovery(db, platform.clock, platform.emails, {
    appUrl: config.appUrl,
    verificationTtlSeconds: config.emailVerificationTtlSeconds,
    resetTtlSeconds: config.passwordResetTtlSeconds,
  })
  const auth = createAuthService(
    db,
    platform.clock,
    {
      jwtSecret: config.jwtSecret,
      accessTtlSeconds: config.jwtAccessTtlSeconds,
      refreshTtlSeconds: config.jwtRefreshTtlSeconds,
      lockoutThreshold: config.loginLockoutThreshold,
    },
    recovery.sendVerification,
    deps.supplierOfUser ?? (async () => undefined),
    platform.audit,
  )
  const users = createUsersService(
    db,
    platform.clock,
    platform.audit,
    deps.supplierOfUser ?? (async () => undefined),
  )
  const providers = createOidcProviders(config.sso.providers, {
    redirectUri: (name) => `${config.publicUrl}/api/auth/sso/${name}/callback`,
  })
  const ssoDb = platform.db.$extendTables<SsoTables>()
  const signIn = createSsoSignIn({
    db: ssoDb,
    clock: platform.clock,
    providers,
    startSession: auth.startSession,
  })
  const identities = createIdentitiesService(ssoDb, providers, config.publicUrl)
  const guards = createGuards(auth.resolveActor)
  const ownRoutes = authRoutes(auth, guards, { loginRateLimitPerMinute: config.loginRateLimitPerMinute })
  const adminRoutes = userRoutes(users, guards, config.publicUrl)
  const recoveryRoutes = accountRecoveryRoutes(recovery, guards, config.loginRateLimitPerMinute)
  const signInRoutes = ssoRoutes(signIn, identities, guards, {
    publicUrl: config.publicUrl,
    successUrl: config.sso.successUrl,
    rateLimitPerMinute: config.loginRateLimitPerMinute,
  })
  return {
    routes: async (app) => {
      await ownRoutes(app)
      await recoveryRoutes(app)
      await signInRoutes(app)
      await adminRoutes(app)
    },
    jobs: [],
    api: {
      guards,
      createAccount: auth.createAccount,
      contactOf: auth.contactOf,
      profileOf: auth.profileOf,
      userIdByEmail: auth.userIdByEmail,
      stats: { activeUsersByRole: () => activeUsersByRole(db) },
    },
  }
}
