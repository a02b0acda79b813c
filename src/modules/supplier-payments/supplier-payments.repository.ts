import { type ExpressionBuilder, type GeneratedAlways, type Selectable } from 'kysely'
import type { Executor } from '../../platform/database/transaction.ts'
import type { AnticipationStatus, PaymentStatus } from './anticipation-rules.ts'

export type SupplierPaymentsTables = {
  suppliers: { id: GeneratedAlways<number>; user_id: number; company_id: number; created_at: Date }
  payments: {
    id: GeneratedAlways<number>
    supplier_id: number
    creation_date: string
    due_date: string
    value: string
    created_at: Date
  }
  anticipations: {
    id: GeneratedAlways<number>
    payment_id: number
    creation_date: string
    new_due_date: string
    new_value: string
    status: AnticipationStatus
    update_date: Date
    created_at: Date
  }
  anticipation_logs: {
    id: GeneratedAlways<number>
    anticipation_id: number
    user_id: number
    action: 'R' | 'A' | 'D'
    created_at: Date
  }
}

export type PaymentsDb = Executor<SupplierPaymentsTables>
export type SupplierRow = Selectable<SupplierPaymentsTables['suppliers']>
export type AnticipationRow = Selectable<SupplierPaymentsTables['anticipations']>
export type LogRow = Selectable<SupplierPaymentsTables['anticipation_logs']>

/** A payment with the status of its anticipation, if it has one. */
export interface PaymentRow {
  id: number
  supplier_id: number
  creation_date: string
  due_date: string
  value: string
  anticipation_status: AnticipationStatus | null
}

export const UNIQUE = {
  supplierUser: 'suppliers_user_id_key',
  supplierCompany: 'suppliers_company_id_key',
  anticipationPayment: 'anticipations_payment_id_key',
} as const

export async function findSupplierByUser(db: PaymentsDb, userId: number): Promise<SupplierRow | undefined> {
  return db.selectFrom('suppliers').selectAll().where('user_id', '=', userId).executeTakeFirst()
}

export async function findSupplier(db: PaymentsDb, id: number): Promise<SupplierRow | undefined> {
  return db.selectFrom('suppliers').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertSupplier(
  db: PaymentsDb,
  supplier: { userId: number; companyId: number; now: Date },
): Promise<SupplierRow> {
  return db
    .insertInto('suppliers')
    .values({ user_id: supplier.userId, company_id: supplier.companyId, created_at: supplier.now })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listSuppliers(
  db: PaymentsDb,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: SupplierRow[] }> {
  const [total, rows] = await Promise.all([
    db
      .selectFrom('suppliers')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow(),
    db.selectFrom('suppliers').selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute(),
  ])
  return { count: total.count, rows }
}

type PaymentsQuery = ExpressionBuilder<
  SupplierPaymentsTables & { a: SupplierPaymentsTables['anticipations'] },
  'payments' | 'a'
>

/** The SQL meaning of each derived status (see paymentStatus in anticipation-rules.ts). */
function statusCondition(eb: PaymentsQuery, status: PaymentStatus, today: string) {
  switch (status) {
    case 'A':
      return eb.and([eb('a.id', 'is', null), eb('payments.due_date', '>', today)])
    case 'U':
      return eb.and([
        eb('payments.due_date', '<=', today),
        eb.or([eb('a.id', 'is', null), eb('a.status', '=', 'PC')]),
      ])
    case 'PC':
      return eb.and([eb('a.status', '=', 'PC'), eb('payments.due_date', '>', today)])
    case 'AN':
      return eb('a.status', '=', 'A')
    case 'D':
      return eb('a.status', '=', 'D')
  }
}

function paymentsWithAnticipation(db: PaymentsDb) {
  return db.selectFrom('payments').leftJoin('anticipations as a', 'a.payment_id', 'payments.id')
}

const PAYMENT_COLUMNS = [
  'payments.id',
  'payments.supplier_id',
  'payments.creation_date',
  'payments.due_date',
  'payments.value',
  'a.status as anticipation_status',
] as const

export async function listPayments(
  db: PaymentsDb,
  filter: { supplierId?: number | undefined; status?: PaymentStatus | undefined; today: string },
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: PaymentRow[] }> {
  let query = paymentsWithAnticipation(db)
  if (filter.supplierId !== undefined) query = query.where('payments.supplier_id', '=', filter.supplierId)
  const status = filter.status
  if (status !== undefined) query = query.where((eb) => statusCondition(eb, status, filter.today))
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .select(PAYMENT_COLUMNS)
      // Qualified columns, so the sort matches the (supplier_id,) due_date, id indexes.
      .orderBy('payments.due_date')
      .orderBy('payments.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}

export async function findPayment(db: PaymentsDb, id: number): Promise<PaymentRow | undefined> {
  return paymentsWithAnticipation(db).select(PAYMENT_COLUMNS).where('payments.id', '=', id).executeTakeFirst()
}

export async function insertPayment(
  db: PaymentsDb,
  payment: { supplierId: number; dueDate: string; value: string; today: string; now: Date },
): Promise<PaymentRow> {
  const row = await db
    .insertInto('payments')
    .values({
      supplier_id: payment.supplierId,
      creation_date: payment.today,
      due_date: payment.dueDate,
      value: payment.value,
      created_at: payment.now,
    })
    .returning(['id', 'supplier_id', 'creation_date', 'due_date', 'value'])
    .executeTakeFirstOrThrow()
  return { ...row, anticipation_status: null }
}

export async function insertAnticipation(
  db: PaymentsDb,
  anticipation: { paymentId: number; newDueDate: string; newValue: string; today: string; now: Date },
): Promise<AnticipationRow> {
  return db
    .insertInto('anticipations')
    .values({
      payment_id: anticipation.paymentId,
      creation_date: anticipation.today,
      new_due_date: anticipation.newDueDate,
      new_value: anticipation.newValue,
      status: 'PC',
      update_date: anticipation.now,
      created_at: anticipation.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** An anticipation with the supplier of its payment (for visibility checks and emails). */
export async function findAnticipation(
  db: PaymentsDb,
  id: number,
): Promise<(AnticipationRow & { supplier_id: number; due_date: string; value: string }) | undefined> {
  return db
    .selectFrom('anticipations')
    .innerJoin('payments', 'payments.id', 'anticipations.payment_id')
    .selectAll('anticipations')
    .select(['payments.supplier_id', 'payments.due_date', 'payments.value'])
    .where('anticipations.id', '=', id)
    .executeTakeFirst()
}

/**
 * Decides a pending anticipation in one conditional update: only from PC, and approval only while
 * the new due date has not passed. Of two operators deciding at once, exactly one gets the row.
 */
export async function decideAnticipation(
  db: PaymentsDb,
  decision: { id: number; status: 'A' | 'D'; today: string; now: Date },
): Promise<AnticipationRow | undefined> {
  let query = db
    .updateTable('anticipations')
    .set({ status: decision.status, update_date: decision.now })
    .where('id', '=', decision.id)
    .where('status', '=', 'PC')
  if (decision.status === 'A') query = query.where('new_due_date', '>=', decision.today)
  return query.returningAll().executeTakeFirst()
}

export async function insertLog(
  db: PaymentsDb,
  log: { anticipationId: number; userId: number; action: 'R' | 'A' | 'D'; now: Date },
): Promise<void> {
  await db
    .insertInto('anticipation_logs')
    .values({
      anticipation_id: log.anticipationId,
      user_id: log.userId,
      action: log.action,
      created_at: log.now,
    })
    .execute()
}

export async function listLogs(
  db: PaymentsDb,
  supplierId: number | undefined,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: LogRow[] }> {
  let query = db.selectFrom('anticipation_logs')
  if (supplierId !== undefined) {
    query = query.where('anticipation_id', 'in', (eb) =>
      eb
        .selectFrom('anticipations')
        .innerJoin('payments', 'payments.id', 'anticipations.payment_id')
        .select('anticipations.id')
        .where('payments.supplier_id', '=', supplierId),
    )
  }
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .selectAll('anticipation_logs')
      .orderBy('anticipation_logs.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}
