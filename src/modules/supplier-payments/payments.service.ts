import { isForeignKeyViolation } from '../../platform/database/errors.ts'
import { forbidden, invalid, invalidFields, notFound } from '../../platform/errors.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { formatCents, formatMoney, parseMoney, toCents } from '../../platform/validation/money.ts'
import {
  anticipationProblem,
  anticipationTerms,
  effectiveAnnualRate,
  PAYMENT_STATUSES,
  paymentStatus,
  type AnticipationTerms,
} from './anticipation-rules.ts'
import { isCalendarDate } from './import-rows.ts'
import { parseStatusFilter } from './status-filter.ts'
import { visible, type Party, type PaymentsContext } from './supplier-payments.context.ts'
import * as repository from './supplier-payments.repository.ts'
import type { PaymentRow } from './supplier-payments.repository.ts'
import type { NewPayment, Payment, PaymentsQuery, Quote } from './supplier-payments.schemas.ts'

const VALUE_BELOW = '1000000000'

/** Payments owed to suppliers: lists, registration, quotes of an anticipation. */
export function createPaymentsService(context: PaymentsContext) {
  const { db, clock, settings } = context

  async function listPayments(party: Party, query: PaymentsQuery, page: PageRequest) {
    const status = parseStatusFilter(query.status, PAYMENT_STATUSES)
    if (!party.isOperator && query.supplier !== undefined && query.supplier !== party.supplierId) {
      throw forbidden('Suppliers see only their own payments.')
    }
    const supplierId = party.isOperator ? query.supplier : party.supplierId
    const today = clock.today()
    const after = parseCursor(query)
    // One more than the page, to know whether a next page exists.
    const window = after ? { limit: page.limit + 1, offset: 0 } : page
    const { count, rows } = await repository.listPayments(db, { supplierId, status, today, after }, window)
    const shown = rows.slice(0, page.limit)
    const last = shown.at(-1)
    const nextCursor = after && rows.length > page.limit && last ? `${last.due_date}_${last.id}` : null
    return { count, results: shown.map((row) => toPayment(row, today)), nextCursor }
  }

  /** 404 unless the payment exists and the party may see it. */
  async function assertPaymentVisible(party: Party, id: number): Promise<void> {
    const payment = await repository.findPayment(db, id)
    if (!payment || !visible(party, payment.supplier_id)) throw notFound('Payment')
  }

  async function getPayment(party: Party, id: number): Promise<Payment> {
    const payment = await repository.findPayment(db, id)
    if (!payment || !visible(party, payment.supplier_id)) throw notFound('Payment')
    return toPayment(payment, clock.today())
  }

  /** Registers a payment; who registered it is kept (they never decide its anticipation). */
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
        createdBy: party.actor.userId,
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

  return { listPayments, assertPaymentVisible, getPayment, createPayment, quote, anticipableTerms }
}

/** `?cursor=2026-04-01_1234`: the payments after that one; not together with `?page=`. */
function parseCursor(query: PaymentsQuery): { dueDate: string; id: number } | undefined {
  if (query.cursor === undefined) return undefined
  if (query.page !== undefined) throw invalid('cursor', 'Give either a page or a cursor, not both.')
  const [dueDate = '', id = ''] = query.cursor.split('_')
  if (!isCalendarDate(dueDate)) throw invalid('cursor', 'Enter a cursor such as 2026-04-01_1234.')
  return { dueDate, id: Number(id) }
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
