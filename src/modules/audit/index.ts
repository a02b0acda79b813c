import type { AuditTables } from '../../platform/audit/index.ts'
import type { Guards } from '../../platform/http/guards.ts'
import type { App } from '../../platform/http/server.ts'
import type { JobDefinition } from '../../platform/jobs/jobs.ts'
import type { Platform } from '../../platform/platform.ts'
import { auditRoutes } from './audit.routes.ts'
import { createAuditService } from './audit.service.ts'

export type { AuditEvent } from './audit.schemas.ts'

export interface AuditModule {
  routes: (app: App) => Promise<void>
  jobs: JobDefinition[]
}

/** The read side of the audit log (every module writes it through `platform.audit`). */
export function createAuditModule(platform: Platform, deps: { guards: Guards }): AuditModule {
  const audit = createAuditService(platform.db.$extendTables<AuditTables>())
  return { routes: auditRoutes(audit, deps.guards, platform.config.publicUrl), jobs: [] }
}
