import { Type, type Static } from 'typebox'
import { PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const Money = (description: string) => Type.String({ description, examples: ['360.00'] })

export const Charge = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    booking_id: Type.Integer({ examples: [1] }),
    amount: Money('What the guest pays: the booking’s total cost.'),
    currency: Type.String({ examples: ['EUR'] }),
    status: Type.String({
      description:
        'pending (waiting for the guest) → paid; or expired (unpaid in time, or the booking cancelled first), failed (Stripe could not open the payment); a paid charge becomes refunded or partially_refunded.',
      examples: ['paid'],
    }),
    provider_ref: Type.Union([Type.String(), Type.Null()], {
      description: 'Stripe’s PaymentIntent once paid, else its Checkout Session.',
      examples: ['pi_3Nq…'],
    }),
    created_at: Timestamp,
  },
  { title: 'Charge' },
)
export type Charge = Static<typeof Charge>

export const ChargesQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      maxLength: 20,
      description: 'pending, paid, refunded, partially_refunded, failed or expired.',
    }),
  ),
  ...PageQuery,
})
export type ChargesQuery = Static<typeof ChargesQuery>

export const ChargesPage = PageOf(Charge, 'ChargesPage')

export const Movement = Type.Object(
  {
    at: Type.String({
      format: 'date-time',
      description: 'When the money moved: a payment when it was paid, a refund or payout when it was made.',
    }),
    direction: Type.String({ description: 'in or out.', examples: ['in'] }),
    kind: Type.String({
      description: 'booking_payment (in); booking_refund, complaint_refund, early_payment (out).',
      examples: ['booking_payment'],
    }),
    amount: Money('Always positive; `direction` says which way.'),
    currency: Type.String({ examples: ['EUR'] }),
    status: Type.String({
      description: 'The status of the charge, refund or payout it comes from.',
      examples: ['paid'],
    }),
    subject: Type.Object(
      {
        type: Type.String({ description: 'booking, complaint or anticipation.', examples: ['booking'] }),
        id: Type.Integer({ examples: [1] }),
      },
      { description: 'What the money was for.' },
    ),
    provider: Type.String({ description: 'stripe, manual or wise.', examples: ['stripe'] }),
    provider_ref: Type.Union([Type.String(), Type.Null()], {
      description:
        'The provider’s reference (Stripe’s PaymentIntent or Refund, Wise’s transfer, the reference given when marked paid).',
    }),
  },
  { title: 'Movement' },
)
export type Movement = Static<typeof Movement>

const Period = {
  from: Type.Optional(
    Type.String({
      format: 'date',
      description: 'First day (inclusive, business time zone).',
      examples: ['2026-03-01'],
    }),
  ),
  to: Type.Optional(
    Type.String({
      format: 'date',
      description: 'Last day (inclusive, business time zone).',
      examples: ['2026-03-31'],
    }),
  ),
}

export const LedgerQuery = Type.Object({
  ...Period,
  kind: Type.Optional(
    Type.String({
      maxLength: 30,
      description: 'booking_payment, booking_refund, complaint_refund or early_payment.',
    }),
  ),
  currency: Type.Optional(
    Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case.', examples: ['EUR'] }),
  ),
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('csv')], {
      description: 'csv: every matching movement (not one page) as a CSV download, with a header row.',
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: 100,
      description:
        'Instead of `page`: the movements after the last one of a page, as that page’s `next_cursor` gives it (opaque). Every page by cursor costs what the first does, however deep; movements written meanwhile are neither repeated nor skipped. `next` then carries the following page’s cursor; `previous` is null. With `format=csv`, the movements after it.',
    }),
  ),
  ...PageQuery,
})
export type LedgerQuery = Static<typeof LedgerQuery>

const MovementsPage = PageOf(Movement, 'LedgerPage')

export const LedgerPage = Type.Object(
  {
    ...MovementsPage.properties,
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description:
        'The cursor of the movements after this page (`?cursor=`), on pages by number and by cursor alike; null on the last page.',
    }),
  },
  { title: 'LedgerPage' },
)

export const LedgerSummaryQuery = Type.Object(Period)
export type LedgerSummaryQuery = Static<typeof LedgerSummaryQuery>

export const LedgerSummary = Type.Object(
  {
    from: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    to: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    totals: Type.Array(
      Type.Object({
        kind: Type.String({ examples: ['booking_payment'] }),
        direction: Type.String({ examples: ['in'] }),
        currency: Type.String({ examples: ['EUR'] }),
        count: Type.Integer({ examples: [12] }),
        total: Money('Sum of the movements of this kind and currency.'),
      }),
      { description: 'Settled movements by kind and currency, ordered by currency, direction, kind.' },
    ),
    net: Type.Array(
      Type.Object({
        currency: Type.String({ examples: ['EUR'] }),
        in: Money('Money in.'),
        out: Money('Money out.'),
        net: Money('in − out; negative when more went out.'),
      }),
      { description: 'Per currency.' },
    ),
  },
  { title: 'LedgerSummary' },
)
export type LedgerSummary = Static<typeof LedgerSummary>

export const WebhookAnswer = Type.Object(
  { received: Type.Boolean({ description: 'Always true: the event is stored (or was before).' }) },
  { title: 'WebhookAnswer' },
)
