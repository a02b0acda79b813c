import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { payoutRoutes } from './payouts.routes.ts'

export type { Payout } from './payouts.schemas.ts'

export interface PayoutsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
}

/** The HTTP face of the platform's payouts (their jobs are the platform's). */
export function createPayoutsModule(platform: Platform, deps: { guards: Guards }): PayoutsModule {
  return { routes: payoutRoutes(platform.payouts, deps.guards, platform.config.publicUrl), jobs: [] }
}
