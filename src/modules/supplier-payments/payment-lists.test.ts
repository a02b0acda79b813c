import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { PAYMENT_STATUSES, paymentStatus, type AnticipationStatus } from './anticipation-rules.ts'
import { listPayments, type PaymentsDb, type SupplierPaymentsTables } from './supplier-payments.repository.ts'

/*
 * The list queries filter on payments' copy of the anticipation status and count from the count
 * tables (migrations 0007 and 0016). These tests write through plain SQL, as any writer could, and check both
 * against the status derived from the rows themselves.
 */

const TODAY = '2026-03-02'
const DUE_DATES = ['2026-02-27', '2026-03-01', '2026-03-02', '2026-03-03', '2026-04-10']

describe('payment lists and their counts', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: PaymentsDb
  const suppliers: number[] = []

  before(async () => {
    database = await createTestDatabase()
    db = database.db.$extendTables<SupplierPaymentsTables>()
    for (const n of [1, 2]) {
      const { rows: users } = await sql<{ id: number }>`
        insert into users (email, password_hash, first_name, last_name, roles, created_at, updated_at)
        values (${`s${n}@lists.test`}, 'x', 'S', ${String(n)}, '{}', now(), now()) returning id`.execute(db)
      const { rows: companies } = await sql<{ id: number }>`
        insert into companies (legal_name, registration_number, email, created_at, updated_at)
        values (${`Lists ${n}`}, ${`1234567800${n}`}, ${`c${n}@lists.test`}, now(), now()) returning id`.execute(
        db,
      )
      const { rows } = await sql<{ id: number }>`
        insert into suppliers (user_id, company_id, created_at)
        values (${users[0]?.id}, ${companies[0]?.id}, now()) returning id`.execute(db)
      suppliers.push(rows[0]?.id ?? 0)
    }
    // Every due date around today, for both suppliers, with no anticipation and with each status.
    const statuses: (AnticipationStatus | null)[] = [null, 'PC', 'A', 'D']
    for (const supplier of suppliers) {
      for (const due of DUE_DATES) {
        for (const status of statuses) {
          const { rows } = await sql<{ id: number }>`
            insert into payments (supplier_id, creation_date, due_date, value, created_at)
            values (${supplier}, '2026-01-01', ${due}, 100, now()) returning id`.execute(db)
          if (status === null) continue
          await sql`
            insert into anticipations (payment_id, creation_date, new_due_date, new_value, status, update_date, created_at)
            values (${rows[0]?.id}, '2026-01-01', '2026-02-01', 99, 'PC', now(), now())`.execute(db)
          if (status !== 'PC') {
            await sql`update anticipations set status = ${status} where payment_id = ${rows[0]?.id}`.execute(
              db,
            )
          }
        }
      }
    }
  })
  after(() => database.close())

  async function expected(supplierId: number | undefined) {
    const { rows } = await sql<{ id: number; due_date: string; status: AnticipationStatus | null }>`
      select p.id, p.due_date, a.status from payments p left join anticipations a on a.payment_id = p.id
      where ${supplierId === undefined ? sql`true` : sql`p.supplier_id = ${supplierId}`}
      order by p.due_date, p.id`.execute(db)
    return rows.map((row) => ({
      id: row.id,
      due_date: row.due_date,
      status: paymentStatus(row.due_date, row.status, TODAY),
    }))
  }

  async function assertListsMatch(): Promise<void> {
    for (const supplierId of [undefined, ...suppliers]) {
      const all = await expected(supplierId)
      for (const status of [undefined, ...PAYMENT_STATUSES]) {
        const matching = all.filter((row) => status === undefined || row.status === status)
        const list = await listPayments(db, { supplierId, status, today: TODAY }, { limit: 100, offset: 0 })
        const label = `supplier ${String(supplierId)}, status ${String(status)}`
        assert.equal(list.count, matching.length, label)
        assert.deepEqual(
          list.rows.map((row) => row.id),
          matching.map((row) => row.id),
          label,
        )
      }
    }
  }

  it('every status filter lists exactly the payments in that derived status, with their count', async () => {
    await assertListsMatch()
  })

  it('a page past the first skips the earlier payments in list order', async () => {
    const all = await expected(undefined)
    const list = await listPayments(db, { today: TODAY }, { limit: 3, offset: 4 })
    assert.deepEqual(
      list.rows.map((row) => row.id),
      all.slice(4, 7).map((row) => row.id),
    )
    assert.equal(list.count, all.length)
  })

  it('a cursor lists the payments after it in list order, whatever the filter, with the full count', async () => {
    for (const supplierId of [undefined, ...suppliers]) {
      const all = await expected(supplierId)
      for (const status of [undefined, ...PAYMENT_STATUSES]) {
        const matching = all.filter((row) => status === undefined || row.status === status)
        const pivot = all[7]
        assert.ok(pivot)
        const after = { dueDate: pivot.due_date, id: pivot.id }
        const list = await listPayments(
          db,
          { supplierId, status, today: TODAY, after },
          { limit: 100, offset: 0 },
        )
        const later = matching.filter(
          (row) => row.due_date > pivot.due_date || (row.due_date === pivot.due_date && row.id > pivot.id),
        )
        const label = `supplier ${String(supplierId)}, status ${String(status)}`
        assert.deepEqual(
          list.rows.map((row) => row.id),
          later.map((row) => row.id),
          label,
        )
        assert.equal(list.count, matching.length, label)
      }
    }
  })

  it('counts and statuses follow anticipations deleted, moved and payments re-dated or deleted', async () => {
    const { rows } = await sql<{ id: number; payment_id: number }>`
      select id, payment_id from anticipations order by id limit 2`.execute(db)
    const [first, second] = rows
    assert.ok(first && second)
    await sql`delete from anticipation_logs where anticipation_id = ${first.id}`.execute(db)
    await sql`delete from anticipations where id = ${first.id}`.execute(db)
    const { rows: free } = await sql<{ id: number }>`
      select p.id from payments p where not exists (select from anticipations a where a.payment_id = p.id)
      order by p.id desc limit 1`.execute(db)
    await sql`update anticipations set payment_id = ${free[0]?.id} where id = ${second.id}`.execute(db)
    await sql`update payments set due_date = '2026-03-05' where id = ${first.payment_id}`.execute(db)
    await sql`update payments set supplier_id = ${suppliers[0]} where supplier_id = ${suppliers[1]} and due_date = '2026-04-10'`.execute(
      db,
    )
    await sql`delete from payments where id = ${first.payment_id}`.execute(db)
    await assertListsMatch()
  })

  it('a payment’s anticipation copy cannot be written to disagree with its anticipation', async () => {
    const { rows } = await sql<{ payment_id: number }>`
      select payment_id from anticipations where status = 'PC' order by id limit 1`.execute(db)
    const paymentId = rows[0]?.payment_id
    assert.ok(paymentId)
    await assert.rejects(
      sql`update payments set anticipation = 'A' where id = ${paymentId}`.execute(db),
      /payments\.anticipation follows its anticipation/,
    )
    await assert.rejects(
      sql`
        insert into payments (supplier_id, creation_date, due_date, value, created_at, anticipation)
        values (${suppliers[0]}, '2026-01-01', '2026-05-01', 100, now(), 'AN')`.execute(db),
    )
    await assert.rejects(
      sql`
        insert into payments (supplier_id, creation_date, due_date, value, created_at, anticipation)
        values (${suppliers[0]}, '2026-01-01', '2026-05-01', 100, now(), 'A')`.execute(db),
      /payments\.anticipation follows its anticipation/,
    )
    const { rows: after } = await sql<{ anticipation: string }>`
      select anticipation from payments where id = ${paymentId}`.execute(db)
    assert.deepEqual(after, [{ anticipation: 'PC' }])
    await assertListsMatch()
  })

  it('a supplier keeps its user and company for good: changing or deleting the link is refused', async () => {
    await assert.rejects(
      sql`update suppliers set company_id = company_id where id = ${suppliers[0]}`.execute(db),
    )
    await assert.rejects(sql`delete from suppliers where id = ${suppliers[0]}`.execute(db))
  })

  it('rebuilding the count tables from the payments gives the counts the triggers kept', async () => {
    const kept = await sql`
      select supplier_id, anticipation, due_date, sum(payments)::int as payments from supplier_payment_counts
      group by 1, 2, 3 having sum(payments) <> 0 order by 1, 2, 3`.execute(db)
    await sql`select rebuild_payment_counts()`.execute(db)
    const rebuilt = await sql`
      select supplier_id, anticipation, due_date, sum(payments)::int as payments from supplier_payment_counts
      group by 1, 2, 3 order by 1, 2, 3`.execute(db)
    assert.deepEqual(rebuilt.rows, kept.rows)
  })
})
