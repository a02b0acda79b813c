import { sql, type ColumnType, type GeneratedAlways, type RawBuilder, type Selectable } from 'kysely'
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
    /** A copy of its anticipation's status ('none' without one), kept by a trigger on anticipations. */
    anticipation: ColumnType<'none' | AnticipationStatus, never, never>
    /** Copies of its anticipation's new value and new due date (null without one), kept by the same trigger. */
    anticipation_new_value: ColumnType<string | null, never, never>
    anticipation_new_due_date: ColumnType<string | null, never, never>
    /** Who registered it (null for payments registered before this was recorded). */
    created_by: number | null
    created_at: Date
    /** The sending system's reference of an imported payment, unique per supplier (else null). */
    external_ref: string | null
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

type Filter = {
  supplierId?: number | undefined
  status?: PaymentStatus | undefined
  today: string
  /** Only the payments after this one in list order (a cursor). */
  after?: { dueDate: string; id: number } | undefined
}

/**
 * Each derived status (paymentStatus in anticipation-rules.ts) as the anticipation statuses it covers
 * and the side of today its due dates are on. Both the page and the count read this.
 */
const STATUS_MEANING: Record<
  PaymentStatus | 'any',
  { anticipations: ('none' | AnticipationStatus)[]; due?: '>' | '<=' }
> = {
  any: { anticipations: ['none', 'PC', 'A', 'D'] },
  A: { anticipations: ['none'], due: '>' },
  U: { anticipations: ['none', 'PC'], due: '<=' },
  PC: { anticipations: ['PC'], due: '>' },
  AN: { anticipations: ['A'] },
  D: { anticipations: ['D'] },
}

/**
 * The ids of one page in list order (due_date, id). One branch per anticipation status, each the first
 * `offset + limit` entries of an index-only range of (supplier_id,) anticipation, due_date, id;
 * PostgreSQL merges the branches in order (Merge Append), so an offset skips index entries, not rows.
 * (Each branch needs its own ORDER BY and LIMIT: a branch without them is planned as part of the whole,
 * and then its index is not seen to be in due_date order.)
 */
function pageIds(db: PaymentsDb, filter: Filter, page: { limit: number; offset: number }) {
  const { anticipations, due } = STATUS_MEANING[filter.status ?? 'any']
  // Every payment, as an operator lists them: one range of the (due_date, id) index instead.
  const ranges = filter.status === undefined && filter.supplierId === undefined ? [undefined] : anticipations
  const branches = ranges.map((status) => {
    let branch = db.selectFrom('payments').select(['payments.id', 'payments.due_date'])
    if (status !== undefined) branch = branch.where('payments.anticipation', '=', status)
    if (filter.supplierId !== undefined) branch = branch.where('payments.supplier_id', '=', filter.supplierId)
    if (due) branch = branch.where('payments.due_date', due, filter.today)
    const after = filter.after
    if (after) {
      branch = branch.where(
        sql<boolean>`(${sql.ref('payments.due_date')}, ${sql.ref('payments.id')}) > (cast(${after.dueDate} as date), cast(${after.id} as bigint))`,
      )
    }
    return sql`(${branch
      .orderBy('payments.due_date')
      .orderBy('payments.id')
      .limit(page.offset + page.limit)})`
  })
  const matching = sql<{ id: number; due_date: string }>`(${sql.join(branches, sql` union all `)})`
  return db
    .selectFrom(matching.as('matching'))
    .select('matching.id')
    .orderBy('matching.due_date')
    .orderBy('matching.id')
    .limit(page.limit)
    .offset(page.offset)
}

/**
 * How many payments match, from the count tables the triggers on payments maintain (payment_counts, and
 * supplier_payment_counts per supplier): a sum over about one row per status and due date (plus the
 * slots written since the last fold), whatever the number of payments.
 */
function countPayments(filter: Filter): RawBuilder<{ count: number }> {
  const { anticipations, due } = STATUS_MEANING[filter.status ?? 'any']
  const conditions: RawBuilder<unknown>[] = []
  if (filter.supplierId !== undefined) conditions.push(sql`supplier_id = ${filter.supplierId}`)
  if (filter.status !== undefined) {
    const names = anticipations.map((status) => sql.lit(status))
    conditions.push(sql`anticipation in (${sql.join(names)})`)
  }
  if (due) conditions.push(sql`due_date ${sql.raw(due)} ${filter.today}`)
  const table = filter.supplierId === undefined ? 'payment_counts' : 'supplier_payment_counts'
  const where = conditions.length > 0 ? sql` where ${sql.join(conditions, sql` and `)}` : sql``
  return sql<{
    count: number
  }>`select coalesce(sum(payments), 0)::bigint as count from ${sql.table(table)}${where}`
}

const PAYMENT_COLUMNS = [
  'payments.id',
  'payments.supplier_id',
  'payments.creation_date',
  'payments.due_date',
  'payments.value',
  sql<AnticipationStatus | null>`nullif(${sql.ref('payments.anticipation')}, 'none')`.as(
    'anticipation_status',
  ),
] as const

type ListedRow = { count: number } & { [K in keyof PaymentRow]: PaymentRow[K] | null }

/** One page of payments in list order (due_date, id) and how many match in all, in one statement. */
export async function listPayments(
  db: PaymentsDb,
  filter: Filter,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: PaymentRow[] }> {
  // Only the page's own rows are read.
  const rows = db
    .selectFrom(pageIds(db, filter, page).as('page'))
    .innerJoin('payments', 'payments.id', 'page.id')
    .select(PAYMENT_COLUMNS)
  // The count's one row, joined to the page's rows: a row with only the count when the page is empty.
  const { rows: listed } =
    await sql<ListedRow>`select counted.count, listed.* from (${countPayments(filter)}) counted left join lateral (${rows}) listed on true order by listed.due_date, listed.id`.execute(
      db,
    )
  const count = listed[0]?.count ?? 0
  return { count, rows: listed.filter((row): row is ListedRow & PaymentRow => row.id !== null) }
}

/**
 * Moves the count rows each writer kept in its own slot into the totals (migration 0016); returns how
 * many totals changed. Rows of a transaction still open are left for the next fold.
 */
export async function foldPaymentCounts(db: PaymentsDb): Promise<number> {
  const { rows } = await sql<{ folded: number }>`select fold_payment_counts() as folded`.execute(db)
  return rows[0]?.folded ?? 0
}

export async function findPayment(db: PaymentsDb, id: number): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').select(PAYMENT_COLUMNS).where('payments.id', '=', id).executeTakeFirst()
}

export async function insertPayment(
  db: PaymentsDb,
  payment: {
    supplierId: number
    dueDate: string
    value: string
    createdBy: number
    today: string
    now: Date
  },
): Promise<PaymentRow> {
  const row = await db
    .insertInto('payments')
    .values({
      supplier_id: payment.supplierId,
      created_by: payment.createdBy,
      creation_date: payment.today,
      due_date: payment.dueDate,
      value: payment.value,
      created_at: payment.now,
    })
    .returning(['id', 'supplier_id', 'creation_date', 'due_date', 'value'])
    .executeTakeFirstOrThrow()
  return { ...row, anticipation_status: null }
}

/** A new pending anticipation and its request log (R), in one statement. */
export async function insertAnticipation(
  db: PaymentsDb,
  anticipation: {
    paymentId: number
    newDueDate: string
    newValue: string
    requestedBy: number
    today: string
    now: Date
  },
): Promise<AnticipationRow> {
  return db
    .with('requested', (db) =>
      db
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
        .returningAll(),
    )
    .with('logged', (db) =>
      db
        .insertInto('anticipation_logs')
        .columns(['anticipation_id', 'user_id', 'action', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('requested')
            .select([
              'requested.id',
              sql<number>`cast(${anticipation.requestedBy} as bigint)`.as('user_id'),
              sql<'R'>`'R'`.as('action'),
              sql<Date>`cast(${anticipation.now} as timestamptz)`.as('created_at'),
            ]),
        ),
    )
    .selectFrom('requested')
    .selectAll()
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

/** Locks an anticipation's row for the decision's transaction: its approvals are counted one at a time. */
export async function lockAnticipation(db: PaymentsDb, id: number): Promise<AnticipationRow | undefined> {
  return db.selectFrom('anticipations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/**
 * The people an anticipation belongs to, who may never decide it: whoever requested it (its request
 * log), whoever registered its payment, and the supplier's user.
 */
export async function partiesOfAnticipation(
  db: PaymentsDb,
  id: number,
): Promise<{ requested_by: number | null; registered_by: number | null; supplier_user: number } | undefined> {
  return db
    .selectFrom('anticipations')
    .innerJoin('payments', 'payments.id', 'anticipations.payment_id')
    .innerJoin('suppliers', 'suppliers.id', 'payments.supplier_id')
    .select((eb) => [
      eb
        .selectFrom('anticipation_logs')
        .select('anticipation_logs.user_id')
        .whereRef('anticipation_logs.anticipation_id', '=', 'anticipations.id')
        .where('anticipation_logs.action', '=', 'R')
        .orderBy('anticipation_logs.id')
        .limit(1)
        .as('requested_by'),
      'payments.created_by as registered_by',
      'suppliers.user_id as supplier_user',
    ])
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
