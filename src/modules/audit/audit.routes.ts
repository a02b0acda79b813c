import type { Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import type { App } from '../../platform/http/server.ts'
import { AuditPage, AuditQuery } from './audit.schemas.ts'
import type { AuditService } from './audit.service.ts'

/** Who did what to money, roles and bank accounts: read-only, for admins. */
export function auditRoutes(audit: AuditService, guards: Guards, publicUrl: string) {
  return async (app: App) => {
    app.get(
      '/api/audit',
      {
        preHandler: [guards.authenticate, guards.requireRole('admin')],
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first',
          description:
            'Admins only (403 otherwise). Every decision and approval of complaints and anticipations, every payout state change (by a person or a job), mark-paid and retry, bank account changes, role changes, deactivations and supplier links, each written in the transaction of the change. Filters combine; `from`/`to` take a date or a timestamp. Events cannot be changed or deleted, by any route or in the database.',
          querystring: AuditQuery,
          response: { 200: AuditPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await audit.listEvents(request.query, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )
  }
}
