import { actorOf, type Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import type { App } from '../../platform/http/server.ts'
import { ListQuery, NewSupplier, Supplier, SuppliersPage } from './supplier-payments.schemas.ts'
import type { SuppliersService } from './suppliers.service.ts'

export function supplierRoutes(suppliers: SuppliersService, guards: Guards, publicUrl: string) {
  const staff = [guards.authenticate, guards.requireRole('operator', 'admin')]
  return async (app: App) => {
    app.get(
      '/api/suppliers',
      {
        preHandler: staff,
        schema: {
          tags: ['supplier-payments'],
          summary: 'List suppliers, ordered by id',
          querystring: ListQuery,
          response: { 200: SuppliersPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await suppliers.listSuppliers(page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.post(
      '/api/suppliers',
      {
        preHandler: staff,
        schema: {
          tags: ['supplier-payments'],
          summary: 'Make a user act for a company as its supplier',
          description:
            'A user and a company can each be one supplier only (409). The user must have verified their email address (403 `email_not_verified`; they open the link in their inbox or ask for a new one with POST /api/auth/verify-email/resend). Audited.',
          body: NewSupplier,
          response: { 201: Supplier },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await suppliers.createSupplier(actorOf(request), request.body)),
    )
  }
}
