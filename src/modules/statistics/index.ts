import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import type { Sources } from './reports.ts'
import { statisticsRoutes } from './statistics.routes.ts'

export interface StatisticsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
}

export interface StatisticsDependencies {
  guards: Guards
  /** Each module's figures, through its own api. */
  sources: Sources
  /** The supplier a user acts for, if any (supplier payments provides it). */
  supplierOfUser: (userId: number) => Promise<number | undefined>
}

/** Figures across modules for the people who run the back office: read-only, JSON and CSV. */
export function createStatisticsModule(platform: Platform, deps: StatisticsDependencies): StatisticsModule {
  return {
    routes: statisticsRoutes(
      deps.sources,
      deps.guards,
      platform.clock,
      deps.supplierOfUser,
      platform.config.publicUrl,
    ),
    jobs: [],
  }
}
