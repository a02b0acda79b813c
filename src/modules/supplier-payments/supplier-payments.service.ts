import type { Approvals } from '../../platform/approvals/index.ts'
import type { Audit } from '../../platform/audit/index.ts'
import type { Clock } from '../../platform/clock.ts'
import { isUniqueViolation } from '../../platform/database/errors.ts'
import { transaction } from '../../platform/database/transaction.ts'
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts'
import type { Jobs } from '../../platform/jobs/jobs.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { formatCents } from '../../platform/validation/money.ts'
import { ANTICIPATION_STATUSES } from './anticipation-rules.ts'
import * as anticipations from './anticipations.repository.ts'
import { createAnticipationDecisions } from './decide-anticipation.ts'
import { createPaymentsService } from './payments.service.ts'
import {
  notifySupplier,
  toAnticipation,
  toAnticipations,
  visible,
  type Party,
  type PaymentsContext,
  type PaymentsSettings,
} from './supplier-payments.context.ts'
import * as repository from './supplier-payments.repository.ts'
import type { PaymentsDb } from './supplier-payments.repository.ts'
import type { NotifySupplierJob } from './supplier-payments.jobs.ts'
import type {
  Anticipation,
  AnticipationsQuery,
  LogEntry,
  NewAnticipation,
} from './supplier-payments.schemas.ts'
import { parseStatusFilter } from './status-filter.ts'

export type { Party, PaymentsSettings }

const INVALID_PAYMENT = 'Make sure you informed a valid payment.'

export type SupplierPaymentsService = ReturnType<typeof createSupplierPaymentsService>

export function createSupplierPaymentsService(
  db: PaymentsDb,
  deps: { clock: Clock; jobs: Jobs; audit: Audit; approvals: Approvals },
  notifyJob: NotifySupplierJob,
  settings: PaymentsSettings,
) {
  const context: PaymentsContext = { db, ...deps, notifyJob, settings }
  const { clock } = deps
  const payments = createPaymentsService(context)
  const { decideAnticipation } = createAnticipationDecisions(context)

  async function assertAnticipationVisible(party: Party, id: number): Promise<void> {
    const anticipation = await repository.findAnticipation(db, id)
    if (!anticipation || !visible(party, anticipation.supplier_id)) throw notFound('Anticipation')
  }

  /**
   * Requests an anticipation: the rules, the row, the request log and the supplier's email, in one
   * transaction. Two racing requests for one payment meet at the unique constraint: one 201, one 409.
   */
  async function requestAnticipation(party: Party, input: NewAnticipation): Promise<Anticipation> {
    const payment = await repository.findPayment(db, input.payment)
    // The same answer for someone else's payment and a missing one: ids of others are not revealed.
    if (!payment || !visible(party, payment.supplier_id)) throw invalid('payment', INVALID_PAYMENT)
    const terms = payments.anticipableTerms(payment, input.new_due_date)
    try {
      const row = await transaction(db, async (tx) => {
        // The row and its request log, in one statement.
        const anticipation = await repository.insertAnticipation(tx, {
          paymentId: payment.id,
          newDueDate: input.new_due_date,
          newValue: formatCents(terms.newValue),
          requestedBy: party.actor.userId,
          today: clock.today(),
          now: clock.now(),
        })
        await notifySupplier(context, tx, 'R', anticipation.id)
        return anticipation
      })
      return await toAnticipation(context, row)
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
    return toAnticipation(context, anticipation)
  }

  /**
   * Anticipations, oldest request first: operators see all (or one supplier's), a supplier's user
   * their own; naming another supplier is 403, as for payments.
   */
  async function listAnticipations(
    party: Party,
    query: AnticipationsQuery,
    page: PageRequest,
  ): Promise<{ count: number; results: Anticipation[] }> {
    const status = parseStatusFilter(query.status, ANTICIPATION_STATUSES)
    if (!party.isOperator && query.supplier !== undefined && query.supplier !== party.supplierId) {
      throw forbidden('Suppliers see only their own early payments.')
    }
    const supplierId = party.isOperator ? query.supplier : party.supplierId
    const { count, rows } = await anticipations.listAnticipations(db, { supplierId, status }, page)
    return { count, results: await toAnticipations(context, rows) }
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

  return {
    assertPaymentVisible: payments.assertPaymentVisible,
    assertAnticipationVisible,
    listPayments: payments.listPayments,
    getPayment: payments.getPayment,
    createPayment: payments.createPayment,
    quote: payments.quote,
    requestAnticipation,
    getAnticipation,
    listAnticipations,
    decideAnticipation,
    listLogs,
  }
}
