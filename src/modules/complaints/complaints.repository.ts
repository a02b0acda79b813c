import { sql, type GeneratedAlways, type Selectable } from 'kysely'
import type { Executor } from '../../platform/database/transaction.ts'
import type { PageRequest } from '../../platform/http/pagination.ts'

export const COMPLAINT_STATUSES = ['pending', 'approved', 'rejected'] as const
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number]

export type ComplaintsTables = {
  complaints: {
    id: GeneratedAlways<number>
    title: string
    description: string
    amount: string
    currency: string
    photo_image_id: string
    status: ComplaintStatus
    complainer_id: number
    decided_by: number | null
    decided_at: Date | null
    reason: string | null
    created_at: Date
  }
}

export type ComplaintsDb = Executor<ComplaintsTables>
export type ComplaintRow = Selectable<ComplaintsTables['complaints']>

export async function insertComplaint(
  db: ComplaintsDb,
  complaint: {
    title: string
    description: string
    amount: string
    currency: string
    photoImageId: string
    complainerId: number
    now: Date
  },
): Promise<ComplaintRow> {
  return db
    .insertInto('complaints')
    .values({
      title: complaint.title,
      description: complaint.description,
      amount: complaint.amount,
      currency: complaint.currency,
      photo_image_id: complaint.photoImageId,
      status: 'pending',
      complainer_id: complaint.complainerId,
      created_at: complaint.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findComplaint(db: ComplaintsDb, id: number): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function lockComplaint(db: ComplaintsDb, id: number): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaints').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function listComplaints(
  db: ComplaintsDb,
  filter: { complainerId?: number | undefined; status?: ComplaintStatus | undefined },
  page: PageRequest,
): Promise<{ count: number; rows: ComplaintRow[] }> {
  let query = db.selectFrom('complaints')
  if (filter.complainerId !== undefined) query = query.where('complainer_id', '=', filter.complainerId)
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ])
  return { count: total.count, rows }
}

/** Decides a pending complaint in one conditional update: of two approvers, exactly one gets the row. */
export async function decideComplaint(
  db: ComplaintsDb,
  decision: { id: number; status: 'approved' | 'rejected'; by: number; reason: string | null; now: Date },
): Promise<ComplaintRow | undefined> {
  return db
    .updateTable('complaints')
    .set({
      status: decision.status,
      decided_by: decision.by,
      decided_at: decision.now,
      reason: decision.reason,
    })
    .where('id', '=', decision.id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
}

export async function deleteComplaint(db: ComplaintsDb, id: number): Promise<void> {
  await db.deleteFrom('complaints').where('id', '=', id).execute()
}

/** How many complaints a complainer filed since `since`, and when the oldest of them was filed. */
export async function filedSince(
  db: ComplaintsDb,
  complainerId: number,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('complaints')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('complainer_id', '=', complainerId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return { count: row.count, oldest: row.oldest }
}

/** Holds, until the transaction ends, the lock under which one complainer's filings are counted. */
export async function lockComplainer(db: ComplaintsDb, complainerId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${COMPLAINER_LOCK_SPACE}::int, ${complainerId}::int)`.execute(db)
}

/** The first key of the two-key advisory locks on complainers ("cmpl"). */
const COMPLAINER_LOCK_SPACE = 0x636d706c
