import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { jobRoutes } from './jobs.routes.ts'

export interface JobsModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
}

/** The HTTP face of the platform's job queue, for admins. */
export function createJobsModule(platform: Platform, deps: { guards: Guards }): JobsModule {
  return { routes: jobRoutes(platform.jobs, deps.guards, platform.config.publicUrl), jobs: [] }
}
