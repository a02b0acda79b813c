import { actorOf, existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import type { Payouts } from '../../platform/payouts/index.ts'
import { MarkPaid, Payout, PayoutsPage, PayoutsQuery } from './payouts.schemas.ts'

/** Money sent out (refunds, early payments), for admins and operators. */
export function payoutRoutes(payouts: Payouts, guards: Guards, publicUrl: string) {
  const finance = [guards.authenticate, guards.requireRole('admin', 'operator')]
  const exists = existsBeforeValidation(payouts.assertExists)
  return async (app: App) => {
    app.get(
      '/api/payouts',
      {
        preHandler: finance,
        schema: {
          tags: ['payouts'],
          summary: 'List payouts, newest first',
          querystring: PayoutsQuery,
          response: { 200: PayoutsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await payouts.list(request.query, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.get(
      '/api/payouts/:id',
      {
        preHandler: finance,
        schema: { tags: ['payouts'], summary: 'A payout', params: IdParams, response: { 200: Payout } },
      },
      async (request) => payouts.get(request.params.id),
    )

    app.post(
      '/api/payouts/:id/mark-paid',
      {
        preHandler: finance,
        preValidation: exists,
        schema: {
          tags: ['payouts'],
          summary: 'Record that a person paid a manual payout',
          description:
            'Manual provider only (409 otherwise), without a transfer at a provider (409 otherwise), from approved or funded (409 otherwise): the payout becomes completed with the reference. Separation of duties: never by a person whose decision approved the payout (their approval is in `approved_by`) → 403 `own_request`. Audited.',
          params: IdParams,
          body: MarkPaid,
          response: { 200: Payout },
        },
      },
      async (request) => payouts.markPaid(actorOf(request), request.params.id, request.body.reference),
    )

    app.post(
      '/api/payouts/:id/retry',
      {
        preHandler: finance,
        preValidation: exists,
        schema: {
          tags: ['payouts'],
          summary: 'Try a failed payout again',
          description:
            'Failed payouts only (409 otherwise, naming its status). A payout fails on a provider refusal, or when its job fails on its last attempt whatever the error (the reason names it). It goes back to pending (or to approved, when it had been approved) and its job runs again, with the provider the payout was created with; a payout whose transfer the provider cancelled gets a new transfer, and an expired Wise quote is replaced by a new one. Payouts left pending or approved without a live job are not failed: a sweep every 10 minutes enqueues their job again after 15 minutes. Audited.',
          params: IdParams,
          response: { 200: Payout },
        },
      },
      async (request) => payouts.retry(actorOf(request), request.params.id),
    )
  }
}
