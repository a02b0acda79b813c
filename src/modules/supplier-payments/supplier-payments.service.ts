import type { Clock } from '../../platform/clock.ts'
import { isForeignKeyViolation, isUniqueViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import type { Jobs } from '../../platform/jobs/jobs.ts'
import { conflict, forbidden, invalid, invalidFields, notFound } from '../../platform/errors.ts'
import type { Actor } from '../../platform/http/actor.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { formatCents, formatMoney, parseMoney, toCents } from '../../platform/validation/money.ts'
import {
  anticipationProblem,
  anticipationTerms,
  effectiveAnnualRate,
  PAYMENT_STATUSES,
  paymentStatus,
  type AnticipationTerms,
  type PaymentStatus,
} from './anticipation-rules.ts'
import * as repository from './supplier-payments.repository.ts'
import type { AnticipationRow, PaymentRow, PaymentsDb } from './supplier-payments.repository.ts'
import type { NotifySupplierJob } from './supplier-payments.jobs.ts'
import type { EarlyPayments } from './early-payments.ts'
import type {
  Anticipation,
  LogEntry,
  NewAnticipation,
  NewPayment,
  Payment,
  PaymentsQuery,
  Quote,
} from './supplier-payments.schemas.ts'

/** Who is calling, as far as supplier payments is concerned: an operator, or the user of a supplier. */
export interface Party {
  actor: Actor
  isOperator: boolean
  /** The supplier the caller acts for, if any. */
  supplierId: number | undefined
}

export interface PaymentsSettings {
  monthlyRate: string
  /** Pays approved anticipations; absent, an approval pays nothing by itself. */
  earlyPayments?: EarlyPayments | undefined
}

const INVALID_PAYMENT = 'Make sure you informed a valid payment.'
const VALUE_BELOW = '1000000000'

export type SupplierPaymentsService = ReturnType<typeof createSupplierPaymentsService>

export function createSupplierPaymentsService(
  db: PaymentsDb,
  clock: Clock,
  jobs: Jobs,
  notifyJob: NotifySupplierJob,
  settings: PaymentsSettings,
) {
  const { earlyPayments } = settings
  /** Payments a party may see: operators all, suppliers their own; others are 404 (not revealed). */
  function visible(party: Party, supplierId: number): boolean {
    return party.isOperator || party.supplierId === supplierId
  }

  async function listPayments(party: Party, query: PaymentsQuery, page: PageRequest) {
    const status = parseStatusFilter(query.status)
    if (!party.isOperator && query.supplier !== undefined && query.supplier !== party.supplierId) {
      throw forbidden('Suppliers see only their own payments.')
    }
    const supplierId = party.isOperator ? query.supplier : party.supplierId
    const today = clock.today()
    const { count, rows } = await repository.listPayments(db, { supplierId, status, today }, page)
    return { count, results: rows.map((row) => toPayment(row, today)) }
  }

  /** 404 unless the payment exists and the party may see it. */
  async function assertPaymentVisible(party: Party, id: number): Promise<void> {
    const payment = await repository.findPayment(db, id)
    if (!payment || !visible(party, payment.supplier_id)) throw notFound('Payment')
  }

  async function assertAnticipationVisible(party: Party, id: number): Promise<void> {
    const anticipation = await repository.findAnticipation(db, id)
    if (!anticipation || !visible(party, anticipation.supplier_id)) throw notFound('Anticipation')
  }

  async function getPayment(party: Party, id: number): Promise<Payment> {
    const payment = await repository.findPayment(db, id)
    if (!payment || !visible(party, payment.supplier_id)) throw notFound('Payment')
    return toPayment(payment, clock.today())
  }

  async function createPayment(party: Party, input: NewPayment): Promise<Payment> {
    let supplierId = input.supplier
    if (!party.isOperator) {
      if (supplierId !== undefined && supplierId !== party.supplierId) {
        throw forbidden('Suppliers can only register payments owed to themselves.')
      }
      supplierId = party.supplierId
    }
    const fields: Record<string, string[]> = {}
    if (supplierId === undefined) fields.supplier = ['This field is required.']
    const today = clock.today()
    if (input.due_date < today) fields.due_date = ['Due date cannot be in the past.']
    const value = parseMoney(input.value, { min: '0', exclusiveMin: true, below: VALUE_BELOW })
    if (typeof value === 'string') fields.value = [value]
    if (Object.keys(fields).length > 0 || supplierId === undefined || typeof value === 'string') {
      throw invalidFields(fields)
    }
    try {
      const row = await repository.insertPayment(db, {
        supplierId,
        dueDate: input.due_date,
        value: formatCents(value),
        today,
        now: clock.now(),
      })
      return toPayment(row, today)
    } catch (error) {
      if (isForeignKeyViolation(error)) throw invalid('supplier', 'Unknown supplier.')
      throw error
    }
  }

  /** What an anticipation would give, by the same rules and formula as a real request; creates nothing. */
  async function quote(party: Party, paymentId: number, newDueDate: string): Promise<Quote> {
    const payment = await repository.findPayment(db, paymentId)
    if (!payment || !visible(party, payment.supplier_id)) throw notFound('Payment')
    const terms = anticipableTerms(payment, newDueDate)
    const value = toCents(payment.value)
    return {
      payment: payment.id,
      new_due_date: newDueDate,
      days: terms.days,
      value: formatCents(value),
      new_value: formatCents(terms.newValue),
      discount: formatCents(terms.discount),
      effective_annual_rate: effectiveAnnualRate(value, terms.discount, terms.days),
    }
  }

  /**
   * Requests an anticipation: the rules, the row, the request log and the supplier's email, in one
   * transaction. Two racing requests for one payment meet at the unique constraint: one 201, one 409.
   */
  async function requestAnticipation(party: Party, input: NewAnticipation): Promise<Anticipation> {
    const payment = await repository.findPayment(db, input.payment)
    // The same answer for someone else's payment and a missing one: ids of others are not revealed.
    if (!payment || !visible(party, payment.supplier_id)) throw invalid('payment', INVALID_PAYMENT)
    const terms = anticipableTerms(payment, input.new_due_date)
    try {
      return await transaction(db, async (tx) => {
        // The row and its request log, in one statement.
        const anticipation = await repository.insertAnticipation(tx, {
          paymentId: payment.id,
          newDueDate: input.new_due_date,
          newValue: formatCents(terms.newValue),
          requestedBy: party.actor.userId,
          today: clock.today(),
          now: clock.now(),
        })
        await notifySupplier(tx, 'R', anticipation.id)
        return toAnticipation(anticipation)
      })
    } catch (error) {
      if (isUniqueViolation(error, repository.UNIQUE.anticipationPayment)) {
        throw conflict('anticipation_exists', 'This payment already has an anticipation.')
      }
      throw error
    }
  }

  async function getAnticipation(party: Party, id: number): Promise<Anticipation> {
    const anticipation = await repository.findAnticipation(db, id)
    if (!anticipation || !visible(party, anticipation.supplier_id)) throw notFound('Anticipation')
    return toAnticipation(anticipation)
  }

  /** An operator approves (A) or denies (D) a pending anticipation; a decision is final. */
  async function decideAnticipation(party: Party, id: number, status: 'A' | 'D'): Promise<Anticipation> {
    const today = clock.today()
    const now = clock.now()
    const destination = status === 'A' ? await earlyPaymentDestination(id) : undefined
    return transaction(db, async (tx) => {
      const decided = await repository.decideAnticipation(tx, { id, status, today, now })
      if (!decided) {
        const current = await repository.findAnticipation(tx, id)
        if (!current) throw notFound('Anticipation')
        if (current.status !== 'PC') {
          throw conflict(
            'anticipation_already_decided',
            `This anticipation was already ${current.status === 'A' ? 'approved' : 'denied'}.`,
          )
        }
        throw conflict(
          'anticipation_expired',
          'The new due date has passed: this anticipation can no longer be approved, only denied.',
        )
      }
      await repository.insertLog(tx, { anticipationId: id, userId: party.actor.userId, action: status, now })
      if (destination && earlyPayments) {
        const payout = { anticipationId: id, amount: formatMoney(decided.new_value), destination }
        await earlyPayments.record(tx, payout)
      }
      await notifySupplier(tx, status, id)
      return toAnticipation(decided)
    })
  }

  async function listLogs(party: Party, page: PageRequest): Promise<{ count: number; results: LogEntry[] }> {
    const { count, rows } = await repository.listLogs(
      db,
      party.isOperator ? undefined : party.supplierId,
      page,
    )
    return {
      count,
      results: rows.map((row) => ({
        id: row.id,
        anticipation: row.anticipation_id,
        created_at: row.created_at.toISOString(),
        user: row.user_id,
        action: row.action,
      })),
    }
  }

  /** The terms of anticipating `payment` to `newDueDate`, or a 400 saying why it cannot be. */
  function anticipableTerms(payment: PaymentRow, newDueDate: string): AnticipationTerms {
    const problem = anticipationProblem(
      { dueDate: payment.due_date, anticipation: payment.anticipation_status },
      newDueDate,
      clock.today(),
    )
    if (problem) throw invalid(problem.field, problem.message)
    const terms = anticipationTerms(
      toCents(payment.value),
      payment.due_date,
      newDueDate,
      settings.monthlyRate,
    )
    // At 3 % a month, 1 000 days early takes the whole value: nothing (or less) would be left to pay.
    if (terms.newValue <= 0n) {
      throw invalid('new_due_date', 'The new due date is too early: the discount would take the whole value.')
    }
    return terms
  }

  /**
   * Where approving an anticipation pays it early. Looked up before the decision's transaction:
   * another module's query inside it would wait for the connection it holds (PGlite has only one).
   */
  async function earlyPaymentDestination(anticipationId: number) {
    if (!earlyPayments) return undefined
    const anticipation = await repository.findAnticipation(db, anticipationId)
    const supplier = anticipation && (await repository.findSupplier(db, anticipation.supplier_id))
    return supplier ? earlyPayments.destination(supplier.company_id) : undefined
  }

  /** Enqueues the supplier's email in the transaction of the change it reports. */
  async function notifySupplier(
    tx: PaymentsDb,
    event: 'R' | 'A' | 'D',
    anticipationId: number,
  ): Promise<void> {
    await jobs.send(notifyJob, { anticipationId, event }, { executor: tx })
  }

  return {
    assertPaymentVisible,
    assertAnticipationVisible,
    listPayments,
    getPayment,
    createPayment,
    quote,
    requestAnticipation,
    getAnticipation,
    decideAnticipation,
    listLogs,
  }
}

/** `?status=` is case-insensitive; anything else than the five statuses is a 400 naming them. */
function parseStatusFilter(status: string | undefined): PaymentStatus | undefined {
  if (status === undefined) return undefined
  const upper = status.toUpperCase()
  if ((PAYMENT_STATUSES as readonly string[]).includes(upper)) return upper as PaymentStatus
  throw invalid('status', `Select a valid choice: ${PAYMENT_STATUSES.join(', ')}.`)
}

function toPayment(row: PaymentRow, today: string): Payment {
  return {
    id: row.id,
    supplier: row.supplier_id,
    creation_date: row.creation_date,
    due_date: row.due_date,
    value: formatMoney(row.value),
    status: paymentStatus(row.due_date, row.anticipation_status, today),
  }
}

function toAnticipation(row: AnticipationRow): Anticipation {
  return {
    id: row.id,
    payment: row.payment_id,
    creation_date: row.creation_date,
    new_due_date: row.new_due_date,
    new_value: formatMoney(row.new_value),
    update_date: row.update_date.toISOString(),
    status: row.status,
  }
}
