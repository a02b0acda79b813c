import type { Guards } from '../../platform/http/guards.ts'
import { IdempotencyHeaders, type Idempotency } from '../../platform/http/idempotency.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import type { PartyGuard } from './party.ts'
import {
  Anticipation,
  AnticipationsPage,
  AnticipationsQuery,
  Decision,
  ListQuery,
  LogsPage,
  NewAnticipation,
} from './supplier-payments.schemas.ts'
import type { SupplierPaymentsService } from './supplier-payments.service.ts'

export function anticipationRoutes(
  payments: SupplierPaymentsService,
  guards: Guards,
  party: PartyGuard,
  idempotency: Idempotency,
  publicUrl: string,
) {
  const operatorOrSupplier = [guards.authenticate, party.resolveParty]
  return async (app: App) => {
    app.post(
      '/api/anticipations/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'Ask for a payment to be paid earlier, at a discount',
          description:
            'One anticipation per payment, ever (400; 409 when two requests race). The new due date is from today and before the due date; the payment is not past due. Writes the request log R and emails the supplier.',
          headers: IdempotencyHeaders,
          body: NewAnticipation,
          response: { 201: Anticipation },
        },
      },
      async (request, reply) =>
        idempotency.run(request, reply, async () => ({
          status: 201,
          body: await payments.requestAnticipation(party.partyOf(request), request.body),
        })),
    )

    app.get(
      '/api/anticipations/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'List anticipations (operators: all; suppliers: their own), oldest request first',
          description:
            'Ordered by id, the order the requests were made, oldest first, whatever the status: `?status=PC` is the queue of requests waiting for a decision. `?status=PC|A|D` (case-insensitive; anything else → 400 naming them). `?supplier=` (operators; a supplier’s user naming another supplier → 403). Each item as `GET /api/anticipations/{id}/` shows it, with its approvals.',
          querystring: AnticipationsQuery,
          response: { 200: AnticipationsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await payments.listAnticipations(
          party.partyOf(request),
          request.query,
          page,
        )
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.get(
      '/api/anticipations/:id/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'An anticipation',
          params: IdParams,
          response: { 200: Anticipation },
        },
      },
      async (request) => payments.getAnticipation(party.partyOf(request), request.params.id),
    )

    app.patch(
      '/api/anticipations/:id/',
      {
        onRequest: [guards.authenticate, guards.requireRole('operator'), party.resolveParty],
        preValidation: party.visibleBeforeValidation(payments.assertAnticipationVisible),
        schema: {
          tags: ['supplier-payments'],
          summary: 'Approve (A) or deny (D) a pending anticipation',
          description:
            'Operators only. Separation of duties: never by the user who requested it, who registered its payment, or who acts for its supplier (403 `own_request`, whatever their roles). Only from PC (409 otherwise); approving after the new due date has passed → 409. Above APPROVAL_THRESHOLD_EARLY_PAYMENT (on the new value) two different operators must approve: the first approval answers 202 with the anticipation still PC and the approval in `approvals`; the same operator again → 409 `already_approved_by_you`; the second operator’s → 200, approved. A denial ends it at once. Final. Writes the log, emails the supplier (once decided) and the audit log.',
          params: IdParams,
          body: Decision,
          response: { 200: Anticipation, 202: Anticipation },
        },
      },
      async (request, reply) => {
        const status = request.body.status
        const anticipation = await payments.decideAnticipation(
          party.partyOf(request),
          request.params.id,
          status,
        )
        return reply.code(anticipation.status === 'PC' ? 202 : 200).send(anticipation)
      },
    )

    app.get(
      '/api/logs/',
      {
        onRequest: operatorOrSupplier,
        schema: {
          tags: ['supplier-payments'],
          summary: 'Requests and decisions (operators: all; suppliers: those on their payments), by id',
          querystring: ListQuery,
          response: { 200: LogsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await payments.listLogs(party.partyOf(request), page)
        return toPage(request, publicUrl, page, count, results)
      },
    )
  }
}
