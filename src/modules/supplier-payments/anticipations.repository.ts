import { sql, type RawBuilder } from 'kysely'
import type { PageRequest } from '../../platform/http/pagination.ts'
import { ANTICIPATION_STATUSES, type AnticipationStatus } from './anticipation-rules.ts'
import type { AnticipationRow, PaymentsDb } from './supplier-payments.repository.ts'

type AnticipationFilter = {
  supplierId?: number | undefined
  status?: AnticipationStatus | undefined
}

/**
 * One page of anticipations, oldest request first (by id: ids are given in the order requests are
 * made), and how many match in all.
 *
 * Everyone's: an index range in id order (the primary key, or (status, id) of migration 0027), so an
 * offset skips index entries and a page costs the same at any table size. One supplier's: the
 * supplier's payments with an anticipation, from the index on payments' copy of its status
 * (supplier_id, anticipation, …), each joined to its anticipation, then sorted; the cost follows that
 * supplier's anticipations, not the table.
 */
export async function listAnticipations(
  db: PaymentsDb,
  filter: AnticipationFilter,
  page: Pick<PageRequest, 'limit' | 'offset'>,
): Promise<{ count: number; rows: AnticipationRow[] }> {
  const statuses = filter.status === undefined ? ANTICIPATION_STATUSES : [filter.status]
  const rows =
    filter.supplierId === undefined
      ? everyonesPage(db, filter.status, page)
      : suppliersPage(db, filter.supplierId, statuses, page)
  const [counted, listed] = await Promise.all([
    countAnticipations(filter.supplierId, statuses).execute(db),
    rows,
  ])
  return { count: counted.rows[0]?.count ?? 0, rows: listed }
}

function everyonesPage(
  db: PaymentsDb,
  status: AnticipationStatus | undefined,
  page: Pick<PageRequest, 'limit' | 'offset'>,
): Promise<AnticipationRow[]> {
  // The page's ids first, from the index alone (index-only: an offset skips index entries, not
  // rows), then only those rows. In one step the planner may rather walk the primary key and filter
  // each row by status, reading every row of every status up to the page.
  let ids = db.selectFrom('anticipations').select('id')
  if (status !== undefined) ids = ids.where('status', '=', status)
  return db
    .selectFrom(ids.orderBy('id').limit(page.limit).offset(page.offset).as('page'))
    .innerJoin('anticipations', 'anticipations.id', 'page.id')
    .selectAll('anticipations')
    .orderBy('anticipations.id')
    .execute()
}

async function suppliersPage(
  db: PaymentsDb,
  supplierId: number,
  statuses: readonly AnticipationStatus[],
  page: Pick<PageRequest, 'limit' | 'offset'>,
): Promise<AnticipationRow[]> {
  // The payment's copy of its anticipation's status (kept by a trigger, 0007 and 0013) is what the
  // index on payments holds. `offset 0` keeps the join one look-up by payment_id per payment: joined
  // freely, the planner may rather read every anticipation of the status and hash them.
  const { rows } = await sql<AnticipationRow>`
    select a.* from payments p
    cross join lateral (select * from anticipations where payment_id = p.id offset 0) a
    where p.supplier_id = ${supplierId} and p.anticipation in (${sql.join(statuses.map((status) => sql.lit(status)))})
    order by a.id limit ${page.limit} offset ${page.offset}`.execute(db)
  return rows
}

/**
 * How many anticipations match: as many as the payments whose copy of the status is one of
 * `statuses` (one anticipation per payment), summed from the count tables the triggers on payments
 * keep (about one row per status and due date, whatever the number of anticipations).
 */
function countAnticipations(
  supplierId: number | undefined,
  statuses: readonly AnticipationStatus[],
): RawBuilder<{ count: number }> {
  const names = sql.join(statuses.map((status) => sql.lit(status)))
  if (supplierId === undefined) {
    return sql<{
      count: number
    }>`select coalesce(sum(payments), 0)::bigint as count from payment_counts where anticipation in (${names})`
  }
  return sql<{
    count: number
  }>`select coalesce(sum(payments), 0)::bigint as count from supplier_payment_counts
    where supplier_id = ${supplierId} and anticipation in (${names})`
}
