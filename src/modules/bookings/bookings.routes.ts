import { actorOf, type Guards } from '../../platform/http/guards.ts'
import { IdempotencyHeaders, type Idempotency } from '../../platform/http/idempotency.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { Booking, BookingsPage, BookingsQuery, NewBooking } from './bookings.schemas.ts'
import type { BookingsService } from './bookings.service.ts'

/** A guest's bookings: every authenticated user may book. */
export function bookingRoutes(
  bookings: BookingsService,
  guards: Guards,
  idempotency: Idempotency,
  publicUrl: string,
) {
  return async (app: App) => {
    app.get(
      '/api/bookings',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['bookings'],
          summary: 'The caller’s bookings: stays to come first (soonest first), then past ones',
          querystring: BookingsQuery,
          response: { 200: BookingsPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await bookings.listBookings(actorOf(request), page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.get(
      '/api/bookings/:id',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['bookings'],
          summary: 'One of the caller’s bookings, as their list shows it',
          description:
            'With today’s hotel and room names, and (when guests pay by card) its payment and refund. Another guest’s booking or an unknown id → 404.',
          params: IdParams,
          response: { 200: Booking },
        },
      },
      async (request) => bookings.getBooking(actorOf(request), request.params.id),
    )

    app.post(
      '/api/bookings',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['bookings'],
          summary: 'Book a room type for a stay',
          description:
            'Unknown room → 404. Dates: date_to after date_from, date_from from today, at most 30 nights; nights are [date_from, date_to). No room free on every night → 409 (no_rooms_left); decided on the database under a lock on the room type, so it never overbooks. total_cost = nights × price. Without card payments the booking is confirmed and a confirmation emailed. With them (STRIPE_SECRET_KEY set) it is pending_payment, holding its rooms until payment.expires_at (BOOKING_PAYMENT_HOLD), and carries payment.checkout_url where the guest pays; paid, it is confirmed and emailed; unpaid in time, it expires. The payment provider failing → 503 and the rooms are free again.',
          headers: IdempotencyHeaders,
          body: NewBooking,
          response: { 201: Booking },
        },
      },
      async (request, reply) =>
        idempotency.run(request, reply, async () => ({
          status: 201,
          body: await bookings.book(actorOf(request), request.body),
        })),
    )

    app.delete(
      '/api/bookings/:id',
      {
        preHandler: [guards.authenticate],
        schema: {
          tags: ['bookings'],
          summary: 'Cancel one of the caller’s bookings before its stay starts',
          description:
            'Another guest’s booking → 404. From the first day of the stay, when already cancelled, or expired unpaid → 409. Frees the nights and emails the guest; a paid booking is refunded to the card (refund_status).',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await bookings.cancel(actorOf(request), request.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
