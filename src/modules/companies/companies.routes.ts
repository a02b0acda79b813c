import { actorOf, existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { CompaniesPage, CompaniesQuery, Company, CompanyChanges, NewCompany } from './companies.schemas.ts'
import type { CompaniesService } from './companies.service.ts'

/** Client and supplier companies. */
export function companyRoutes(companies: CompaniesService, guards: Guards, publicUrl: string) {
  const finance = [guards.authenticate, guards.requireRole('admin', 'operator')]
  return async (app: App) => {
    app.get(
      '/api/companies',
      {
        preHandler: finance,
        schema: {
          tags: ['companies'],
          summary: 'List companies, ordered by legal name then id',
          querystring: CompaniesQuery,
          response: { 200: CompaniesPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await companies.listCompanies(request.query, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.post(
      '/api/companies',
      {
        preHandler: finance,
        schema: {
          tags: ['companies'],
          summary: 'Create a company, optionally with its bank accounts (all or nothing)',
          body: NewCompany,
          response: { 201: Company },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await companies.createCompany(actorOf(request), request.body)),
    )

    app.get(
      '/api/companies/:id',
      {
        preHandler: [guards.authenticate],
        preValidation: async (request) => companies.assertMayReadCompanies(actorOf(request)),
        schema: {
          tags: ['companies'],
          summary: 'A company with its bank accounts',
          description:
            'Admins and operators: any company. A supplier’s user: their own company (others → 404).',
          params: IdParams,
          response: { 200: Company },
        },
      },
      async (request) => companies.getCompany(actorOf(request), request.params.id),
    )

    app.patch(
      '/api/companies/:id',
      {
        preHandler: finance,
        preValidation: existsBeforeValidation(companies.assertCompanyExists),
        schema: {
          tags: ['companies'],
          summary: 'Change some of a company’s fields',
          params: IdParams,
          body: CompanyChanges,
          response: { 200: Company },
        },
      },
      async (request) => companies.updateCompany(actorOf(request), request.params.id, request.body),
    )

    app.delete(
      '/api/companies/:id',
      {
        preHandler: [guards.authenticate, guards.requireRole('admin')],
        schema: {
          tags: ['companies'],
          summary: 'Delete a company and its bank accounts',
          description: '409 while a supplier refers to the company.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await companies.deleteCompany(request.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
