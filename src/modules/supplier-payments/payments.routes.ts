import type { Guards } from '../../platform/http/guards.ts'
import { IdempotencyHeaders, type Idempotency } from '../../platform/http/idempotency.ts'
import { pageRequest, toCursorPage, toPage } from '../../platform/http/pagination.ts'
import { IdParams } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import type { PartyGuard } from './party.ts'
import {
  NewPayment,
  Payment,
  PaymentsPage,
  PaymentsQuery,
  Quote,
  QuoteQuery,
} from './supplier-payments.schemas.ts'
import type { SupplierPaymentsService } from './supplier-payments.service.ts'

export function paymentRoutes(
  payments: SupplierPaymentsService,
  guards: Guards,
  party: PartyGuard,
  idempotency: Idempotency,
  publicUrl: string,
) {
  const operatorOrSupplier = [guards.authenticate, party.resolveParty]
  return async (app: App) => {
    app.get(
      '/api/payments/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'List payments (operators: all; suppliers: their own), by due date then id',
          description:
            'Numbered pages (`?page=`), or a cursor (`?cursor=`, from `next`) that keeps deep pages as cheap as the first.',
          querystring: PaymentsQuery,
          response: { 200: PaymentsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const list = await payments.listPayments(party.partyOf(request), request.query, page)
        if (request.query.cursor !== undefined) {
          return toCursorPage(request, publicUrl, list.count, list.results, list.nextCursor)
        }
        return toPage(request, publicUrl, page, list.count, list.results)
      },
    )

    app.post(
      '/api/payments/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'Register a payment owed to a supplier',
          description:
            'Operators name the supplier; a supplier’s user registers payments owed to their supplier.',
          headers: IdempotencyHeaders,
          body: NewPayment,
          response: { 201: Payment },
        },
      },
      async (request, reply) =>
        idempotency.run(request, reply, async () => ({
          status: 201,
          body: await payments.createPayment(party.partyOf(request), request.body),
        })),
    )

    app.get(
      '/api/payments/:id/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'A payment',
          params: IdParams,
          response: { 200: Payment },
        },
      },
      async (request) => payments.getPayment(party.partyOf(request), request.params.id),
    )

    app.get(
      '/api/payments/:id/anticipation-quote',
      {
        onRequest: operatorOrSupplier,
        preValidation: party.visibleBeforeValidation(payments.assertPaymentVisible),
        schema: {
          tags: ['supplier-payments'],
          summary: 'What anticipating this payment to a date would give, without asking for it',
          params: IdParams,
          querystring: QuoteQuery,
          response: { 200: Quote },
        },
      },
      async (request) =>
        payments.quote(party.partyOf(request), request.params.id, request.query.new_due_date),
    )
  }
}
