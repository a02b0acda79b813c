import { Type, type Static } from 'typebox'
import { Approvals, ApprovalsRequired, PageOf, PageQuery, Timestamp } from '../../platform/http/schemas.ts'

const Id = (description: string, example = 1) =>
  Type.Integer({ minimum: 1, maximum: 2147483647, description, examples: [example] })
const CalendarDate = (description: string, example: string) =>
  Type.String({ format: 'date', description, examples: [example] })
const Money = (description: string, example: string) => Type.String({ description, examples: [example] })
const MoneyInput = Type.Union([Type.String({ maxLength: 20 }), Type.Number()], {
  description:
    'Amount: a decimal string ("1000.00") or a number; more than 0, at most 2 decimals, below 1 000 000 000.',
  examples: ['1000.00'],
})

export const Supplier = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    user: Type.Integer({ description: 'The user who acts for the supplier.', examples: [2] }),
    company: Type.Integer({ description: 'The supplier’s company.', examples: [1] }),
    corporate_name: Type.String({
      description: 'The company’s legal name.',
      examples: ['Acme Comércio Ltda.'],
    }),
    reg_number: Type.String({
      description: 'The company’s registration number.',
      examples: ['11222333000181'],
    }),
  },
  { title: 'Supplier' },
)
export type Supplier = Static<typeof Supplier>

export const NewSupplier = Type.Object(
  { user: Id('A user id.', 2), company: Id('A company id.') },
  { additionalProperties: false, title: 'NewSupplier' },
)
export type NewSupplier = Static<typeof NewSupplier>

export const SuppliersPage = PageOf(Supplier, 'SuppliersPage')

export const PaymentStatusName = Type.String({
  description: 'A available · U unavailable (due) · PC pending confirmation · AN anticipated · D denied',
  examples: ['A'],
})

export const Payment = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    supplier: Type.Integer({ examples: [1] }),
    creation_date: CalendarDate('When the payment was registered.', '2024-09-01'),
    due_date: CalendarDate('When it is due.', '2024-10-01'),
    value: Money('Amount owed, in PAYMENT_CURRENCY.', '1000.00'),
    status: PaymentStatusName,
  },
  { title: 'Payment' },
)
export type Payment = Static<typeof Payment>

export const NewPayment = Type.Object(
  {
    supplier: Type.Optional(Id('The supplier owed; suppliers may omit it (always their own).')),
    due_date: CalendarDate('Not before today.', '2024-10-01'),
    value: MoneyInput,
  },
  { additionalProperties: false, title: 'NewPayment' },
)
export type NewPayment = Static<typeof NewPayment>

export const PaymentsQuery = Type.Object({
  status: Type.Optional(
    Type.String({ maxLength: 10, description: 'A, U, PC, AN or D (case-insensitive).', examples: ['A'] }),
  ),
  supplier: Type.Optional(Id('Only this supplier’s payments (operators).')),
  cursor: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}_\\d{1,15}$',
      description:
        'Instead of `page`: the payments after this one in list order, given as its `due_date` and `id` (`2026-04-01_1234`); every page then costs what the first does. `next` carries the cursor of the following page (null at the end); `previous` is null.',
      examples: ['2026-04-01_1234'],
    }),
  ),
  ...PageQuery,
})
export type PaymentsQuery = Static<typeof PaymentsQuery>

export const PaymentsPage = PageOf(Payment, 'PaymentsPage')

export const QuoteQuery = Type.Object({
  new_due_date: CalendarDate('The earlier date asked for.', '2024-09-15'),
})

export const Quote = Type.Object(
  {
    payment: Type.Integer({ examples: [1] }),
    new_due_date: CalendarDate('The earlier date.', '2024-09-15'),
    days: Type.Integer({ description: 'Days earlier than the due date.', examples: [16] }),
    value: Money('The payment’s value.', '1000.00'),
    new_value: Money('What would be paid on the new date.', '984.00'),
    discount: Money('What the supplier gives up.', '16.00'),
    effective_annual_rate: Type.String({
      description: 'd / (1 − d) × 365 / days with d = discount / value; a fraction with 4 places.',
      examples: ['0.3709'],
    }),
  },
  { title: 'AnticipationQuote' },
)
export type Quote = Static<typeof Quote>

export const Anticipation = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    payment: Type.Integer({ examples: [1] }),
    creation_date: CalendarDate('When it was requested.', '2024-09-10'),
    new_due_date: CalendarDate('The earlier date asked for.', '2024-09-15'),
    new_value: Money('What is paid on the new date.', '984.00'),
    update_date: CalendarDate('When it last changed (requested or decided).', '2024-09-12'),
    status: Type.String({ description: 'PC pending confirmation · A approved · D denied', examples: ['PC'] }),
    approvals: Approvals,
    approvals_required: ApprovalsRequired,
  },
  { title: 'Anticipation' },
)
export type Anticipation = Static<typeof Anticipation>

export const AnticipationsQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      maxLength: 10,
      description: 'PC, A or D (case-insensitive); PC is the queue of requests waiting for a decision.',
      examples: ['PC'],
    }),
  ),
  supplier: Type.Optional(Id('Only this supplier’s anticipations (operators).')),
  ...PageQuery,
})
export type AnticipationsQuery = Static<typeof AnticipationsQuery>

export const AnticipationsPage = PageOf(Anticipation, 'AnticipationsPage')

export const NewAnticipation = Type.Object(
  {
    payment: Id('The payment to anticipate.'),
    new_due_date: CalendarDate('The earlier date.', '2024-09-15'),
  },
  { additionalProperties: false, title: 'NewAnticipation' },
)
export type NewAnticipation = Static<typeof NewAnticipation>

export const Decision = Type.Object(
  { status: Type.Union([Type.Literal('A'), Type.Literal('D')], { description: 'A approve · D deny' }) },
  { additionalProperties: false, title: 'AnticipationDecision' },
)
export type Decision = Static<typeof Decision>

export const LogEntry = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    anticipation: Type.Integer({ examples: [1] }),
    created_at: Timestamp,
    user: Type.Integer({ description: 'Who did it.', examples: [2] }),
    action: Type.String({ description: 'R requested · A approved · D denied', examples: ['R'] }),
  },
  { title: 'AnticipationLog' },
)
export type LogEntry = Static<typeof LogEntry>

export const LogsPage = PageOf(LogEntry, 'AnticipationLogsPage')
export const ListQuery = Type.Object({ ...PageQuery })

export const ImportQuery = Type.Object(
  {
    dry_run: Type.Optional(
      Type.Boolean({
        description: 'Check the file and report what it would do, writing nothing.',
        default: false,
      }),
    ),
  },
  { additionalProperties: false },
)
export type ImportQuery = Static<typeof ImportQuery>

export const ImportReport = Type.Object(
  {
    dry_run: Type.Boolean({ description: 'True when nothing was written.' }),
    rows: Type.Integer({ description: 'Payments in the file.', examples: [3] }),
    created: Type.Integer({ description: 'Payments registered (a dry run: that would be).', examples: [2] }),
    skipped: Type.Integer({
      description: 'Rows whose payment was already there (same supplier, reference, due date and value).',
      examples: [1],
    }),
    skipped_lines: Type.Array(Type.Integer(), {
      description: 'The lines of the skipped rows.',
      examples: [[4]],
    }),
  },
  { title: 'ImportReport' },
)
export type ImportReport = Static<typeof ImportReport>
