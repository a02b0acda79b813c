import { Type } from 'typebox'
import { actorOf, existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { AccountParams, Bank, BankAccount, BankAccountChanges, NewBankAccount } from './companies.schemas.ts'
import type { CompaniesService } from './companies.service.ts'

/** A company's bank accounts, and the reference list of banks. */
export function bankAccountRoutes(companies: CompaniesService, guards: Guards) {
  const finance = [guards.authenticate, guards.requireRole('admin', 'operator')]
  return async (app: App) => {
    app.get(
      '/api/banks',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['companies'],
          summary: 'National bank codes for domestic accounts',
          response: { 200: Type.Array(Bank) },
        },
      },
      async () => companies.listBanks(),
    )

    app.get(
      '/api/companies/:id/bank-accounts',
      {
        preHandler: [guards.authenticate],
        preValidation: async (request) => companies.assertMayReadCompanies(actorOf(request)),
        schema: {
          tags: ['companies'],
          summary: 'A company’s bank accounts',
          description: 'Admins and operators; also the company’s supplier user.',
          params: IdParams,
          response: { 200: Type.Array(BankAccount) },
        },
      },
      async (request) => companies.listBankAccounts(actorOf(request), request.params.id),
    )

    app.post(
      '/api/companies/:id/bank-accounts',
      {
        preHandler: finance,
        preValidation: existsBeforeValidation(companies.assertCompanyExists),
        schema: {
          tags: ['companies'],
          summary: 'Add a bank account',
          description:
            'A domestic account or an IBAN. The same account twice in a company → 409. Making it the default unsets the previous default of that currency. Audited (account number and IBAN masked to their last 4 characters).',
          params: IdParams,
          body: NewBankAccount,
          response: { 201: BankAccount },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await companies.addBankAccount(actorOf(request), request.params.id, request.body)),
    )

    app.patch(
      '/api/companies/:id/bank-accounts/:account_id',
      {
        preHandler: finance,
        preValidation: existsBeforeValidation(companies.assertBankAccountExists, ['id', 'account_id']),
        schema: {
          tags: ['companies'],
          summary: 'Change an account’s holder name, BIC or default flag',
          description: 'Audited, with the default it replaced.',
          params: AccountParams,
          body: BankAccountChanges,
          response: { 200: BankAccount },
        },
      },
      async (request) =>
        companies.updateBankAccount(
          actorOf(request),
          request.params.id,
          request.params.account_id,
          request.body,
        ),
    )

    app.delete(
      '/api/companies/:id/bank-accounts/:account_id',
      {
        preHandler: finance,
        schema: {
          tags: ['companies'],
          summary: 'Remove a bank account',
          description: 'Audited.',
          params: AccountParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await companies.deleteBankAccount(actorOf(request), request.params.id, request.params.account_id)
        return reply.code(204).send(null)
      },
    )
  }
}
