import type { FastifyReply } from 'fastify'
import type { Guards } from '../../platform/http/guards.ts'
import { pageRequest, toCursorPage, toPage } from '../../platform/http/pagination.ts'
import type { App } from '../../platform/http/server.ts'
import { invalid, invalidFields } from '../../platform/errors.ts'
import { chargesPage } from './charges.ts'
import { parseCursor } from './ledger-cursor.ts'
import type { BillingDb } from './billing.repository.ts'
import {
  ChargesPage,
  ChargesQuery,
  LedgerPage,
  LedgerQuery,
  LedgerSummary,
  LedgerSummaryQuery,
  WebhookAnswer,
} from './billing.schemas.ts'
import { LEDGER_KINDS, type LedgerFilter, type LedgerKind } from './ledger.repository.ts'
import type { LedgerService } from './ledger.service.ts'

export interface BillingRoutesDeps {
  db: BillingDb
  ledger: LedgerService
  guards: Guards
  publicUrl: string
  timeZone: string
  /** Present when Stripe is configured: verifies, stores and enqueues an event. */
  receiveEvent: ((rawBody: Buffer, signature: string | undefined) => Promise<boolean>) | undefined
}

/** Charges, the ledger (admins and operators), and Stripe's webhook. */
export function billingRoutes(deps: BillingRoutesDeps) {
  const { guards, publicUrl } = deps
  const finance = [guards.authenticate, guards.requireRole('admin', 'operator')]
  return async (app: App) => {
    app.get(
      '/api/charges',
      {
        preHandler: finance,
        schema: {
          tags: ['billing'],
          summary: 'Card payments of bookings, newest first',
          description: 'An unknown `status` → 400 naming the allowed ones.',
          querystring: ChargesQuery,
          response: { 200: ChargesPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await chargesPage(deps.db, request.query.status, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.get(
      '/api/ledger',
      {
        preHandler: finance,
        schema: {
          tags: ['billing'],
          summary: 'Every movement of money in and out, newest first',
          description:
            'Booking payments (in) and booking refunds, complaint refunds and early payments (out), from charges, refunds and payouts; amounts are positive, `direction` says which way. `from`/`to` are inclusive dates in the business time zone (from after to → 400). Numbered pages (`?page=`), or a cursor (`?cursor=`, from `next_cursor`) that keeps deep pages as cheap as the first; a cursor that is not the ledger’s, or with `page` → 400 on `cursor`. `?format=csv` answers every matching movement (not one page) as a CSV file with a header row, streamed.',
          querystring: LedgerQuery,
          response: { 200: LedgerPage },
        },
      },
      async (request, reply) => {
        const filter = ledgerFilter(request.query, deps.timeZone)
        if (request.query.format === 'csv') {
          // The page schema describes the JSON answer; the CSV file is a stream of text instead.
          const file: FastifyReply = reply
          return file
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="ledger.csv"')
            .send(deps.ledger.exportCsv(filter))
        }
        const page = pageRequest(request.query)
        const { count, results, nextCursor } = await deps.ledger.list(filter, page)
        const answer = filter.after
          ? toCursorPage(request, publicUrl, count, results, nextCursor)
          : toPage(request, publicUrl, page, count, results)
        return { ...answer, next_cursor: nextCursor }
      },
    )

    app.get(
      '/api/ledger/summary',
      {
        preHandler: finance,
        schema: {
          tags: ['billing'],
          summary: 'Totals of money in and out by kind and currency, and the net',
          description:
            'Settled movements only: paid booking payments, succeeded refunds, payouts funded or completed. `from`/`to` as in the ledger.',
          querystring: LedgerSummaryQuery,
          response: { 200: LedgerSummary },
        },
      },
      async (request) => deps.ledger.summary(ledgerFilter(request.query, deps.timeZone)),
    )

    const { receiveEvent } = deps
    if (!receiveEvent) return
    await app.register(async (scope) => {
      // Stripe signs the exact bytes it sent: this route alone takes its body raw.
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
        done(null, body)
      })
      scope.post(
        '/api/billing/stripe/webhook',
        {
          schema: {
            tags: ['billing'],
            summary: 'Events from Stripe (payments, expired sessions, refunds)',
            description:
              'The raw body must be signed by the `Stripe-Signature` header with STRIPE_WEBHOOK_SECRET, else 400 (invalid_signature) and nothing is written. Each event is stored by its id and handled by a background job; an event delivered again → 200 and nothing more.',
            response: { 200: WebhookAnswer },
          },
        },
        async (request) => {
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
          const signature = request.headers['stripe-signature']
          await receiveEvent(body, typeof signature === 'string' ? signature : undefined)
          return { received: true }
        },
      )
    })
  }
}

function ledgerFilter(
  query: { from?: string; to?: string; kind?: string; currency?: string; cursor?: string; page?: number },
  timeZone: string,
): LedgerFilter {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw invalidFields({ to: ['to cannot be before from.'] })
  }
  if (query.kind !== undefined && !(LEDGER_KINDS as readonly string[]).includes(query.kind)) {
    throw invalid('kind', `Select a valid choice: ${LEDGER_KINDS.join(', ')}.`)
  }
  return {
    from: query.from,
    to: query.to,
    kind: query.kind as LedgerKind | undefined,
    currency: query.currency,
    timeZone,
    after: parseCursor(query),
  }
}
