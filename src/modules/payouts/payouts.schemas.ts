import { Type, type Static } from 'typebox'
import { PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const Recipient = Type.Object(
  {
    holder_name: Type.String({ examples: ['Ana Souza'] }),
    iban: Type.Optional(Type.String({ examples: ['DE89370400440532013000'] })),
    bank_code: Type.Optional(Type.String({ examples: ['341'] })),
    branch: Type.Optional(Type.String({ examples: ['0001'] })),
    account_number: Type.Optional(Type.String({ examples: ['12345-6'] })),
  },
  { title: 'PayoutRecipient', description: 'An IBAN, or a domestic bank code, branch and account number.' },
)

export const Payout = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    purpose: Type.String({ description: 'complaint_refund · early_payment', examples: ['complaint_refund'] }),
    subject_id: Type.Integer({
      description: 'The complaint (complaint_refund) or the anticipation (early_payment) paid.',
      examples: [1],
    }),
    amount: Type.String({ examples: ['120.00'] }),
    currency: Type.String({ examples: ['EUR'] }),
    recipient: Type.Union([Recipient, Type.Null()], {
      description: 'Where the money goes; null when there was no account to pay (the payout is failed).',
    }),
    provider: Type.String({ description: 'manual · wise', examples: ['manual'] }),
    status: Type.String({
      description:
        'pending → prepared (transfer created at the provider) → approved → funded → completed; or cancelled, or failed (see failure_reason; an admin or operator may retry it).',
      examples: ['pending'],
    }),
    reference: Nullable(Type.String({ description: 'The reference given when it was marked paid.' })),
    failure_reason: Nullable(Type.String({ description: 'Why it failed.' })),
    approved_by: Type.Array(Type.Integer(), {
      description:
        'The people whose decision approved it (one, or two above an approval threshold); none of them may mark it paid.',
      examples: [[3]],
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'Payout' },
)

export const PayoutsQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      maxLength: 20,
      description: 'pending, prepared, approved, funded, completed, cancelled or failed.',
    }),
  ),
  purpose: Type.Optional(Type.String({ maxLength: 20, description: 'complaint_refund or early_payment.' })),
  ...PageQuery,
})
export type PayoutsQuery = Static<typeof PayoutsQuery>

export const PayoutsPage = PageOf(Payout, 'PayoutsPage')

export const MarkPaid = Type.Object(
  {
    reference: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'How it was paid: the bank’s transaction reference, for instance.',
      examples: ['SEPA 2026-03-02 #8812'],
    }),
  },
  { additionalProperties: false, title: 'MarkPaid' },
)
export type MarkPaid = Static<typeof MarkPaid>
