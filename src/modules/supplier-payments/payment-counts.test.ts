import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { PAYMENT_STATUSES, paymentStatus, type AnticipationStatus } from './anticipation-rules.ts'
import {
  foldPaymentCounts,
  listPayments,
  type PaymentsDb,
  type SupplierPaymentsTables,
} from './supplier-payments.repository.ts'

/*
 * Counts without a hot row (migration 0016): each writing connection counts in its own slot, per
 * statement, and a fold moves the slots into the totals. Whatever the writers and folds do, every
 * count must equal the one recomputed from the payments themselves.
 */

const TODAY = '2026-03-02'
const BATCH_DUE = '2026-04-30'
const onPostgres = process.env.TEST_DATABASE_URL !== undefined
const NEEDS_POSTGRES = 'needs PostgreSQL (TEST_DATABASE_URL): PGlite has one connection'

describe('payment counts kept in slots', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: PaymentsDb
  const suppliers: number[] = []

  before(async () => {
    database = await createTestDatabase()
    db = database.db.$extendTables<SupplierPaymentsTables>()
    for (const n of [1, 2]) suppliers.push(await insertSupplier(db, n))
  })
  after(() => database.close())

  /** Every list count (each supplier and all, each status filter) against the payments' own statuses. */
  async function assertCountsExact(): Promise<void> {
    const { rows } = await sql<{ supplier_id: number; due_date: string; status: AnticipationStatus | null }>`
      select p.supplier_id, p.due_date, a.status from payments p
      left join anticipations a on a.payment_id = p.id`.execute(db)
    for (const supplierId of [undefined, ...suppliers]) {
      for (const status of [undefined, ...PAYMENT_STATUSES]) {
        const expected = rows.filter(
          (row) =>
            (supplierId === undefined || row.supplier_id === supplierId) &&
            (status === undefined || paymentStatus(row.due_date, row.status, TODAY) === status),
        ).length
        const list = await listPayments(db, { supplierId, status, today: TODAY }, { limit: 1, offset: 0 })
        assert.equal(list.count, expected, `supplier ${String(supplierId)}, status ${String(status)}`)
      }
    }
  }

  async function slotRows(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select (select count(*) from supplier_payment_counts where slot <> 0)
           + (select count(*) from payment_counts where slot <> 0) as n`.execute(db)
    return rows[0]?.n ?? 0
  }

  it('one statement inserting many payments of one supplier and due date counts every one', async () => {
    await sql`
      insert into payments (supplier_id, creation_date, due_date, value, created_at)
      select ${suppliers[0]}, '2026-03-01', ${BATCH_DUE}, 10 + g, now() from generate_series(1, 2000) g`.execute(
      db,
    )
    const list = await listPayments(
      db,
      { supplierId: suppliers[0], status: 'A', today: TODAY },
      { limit: 1, offset: 0 },
    )
    assert.equal(list.count, 2000)
    await assertCountsExact()
  })

  it('anticipations requested, decided and removed, and payments re-dated or deleted, keep counts exact', async () => {
    const { rows } = await sql<{ id: number }>`
      select id from payments where supplier_id = ${suppliers[0]} order by id limit 40`.execute(db)
    for (const [i, { id }] of rows.entries()) {
      await sql`
        insert into anticipations (payment_id, creation_date, new_due_date, new_value, status, update_date, created_at)
        values (${id}, '2026-03-01', '2026-03-10', 9, 'PC', now(), now())`.execute(db)
      if (i % 3 > 0) {
        await sql`update anticipations set status = ${i % 3 === 1 ? 'A' : 'D'} where payment_id = ${id}`.execute(
          db,
        )
      }
    }
    await sql`delete from anticipations where payment_id = ${rows[0]?.id}`.execute(db)
    await sql`update payments set due_date = '2026-02-01' where id in (select id from payments order by id desc limit 30)`.execute(
      db,
    )
    await sql`update payments set supplier_id = ${suppliers[1]} where id in (select id from payments order by id desc limit 7)`.execute(
      db,
    )
    await sql`delete from payments where id in (select id from payments order by id desc limit 5)`.execute(db)
    await assertCountsExact()
  })

  it('folding moves every slot into the totals and changes no count', async () => {
    assert.ok((await slotRows()) > 0)
    assert.ok((await foldPaymentCounts(db)) > 0)
    assert.equal(await slotRows(), 0)
    await assertCountsExact()
    assert.equal(await foldPaymentCounts(db), 0)
    await assertCountsExact()
  })

  it('rebuilding the counts from the payments gives the sums the triggers and folds kept', async () => {
    const sums = () =>
      sql`select supplier_id, anticipation, due_date, sum(payments)::int as n from supplier_payment_counts
          group by 1, 2, 3 having sum(payments) <> 0 order by 1, 2, 3`.execute(db)
    const kept = await sums()
    await sql`select rebuild_payment_counts()`.execute(db)
    assert.deepEqual((await sums()).rows, kept.rows)
  })

  it(
    'a write does not wait for another open transaction writing the same supplier and due date',
    { skip: !onPostgres && NEEDS_POSTGRES },
    async () => {
      const [first, second] = [new pg.Client(database.url), new pg.Client(database.url)]
      await Promise.all([first.connect(), second.connect()])
      try {
        const insert = `insert into payments (supplier_id, creation_date, due_date, value, created_at)
                        values ($1, '2026-03-01', $2, 5, now())`
        await first.query('begin')
        await first.query(insert, [suppliers[0], BATCH_DUE])
        // Under one row per (supplier, status, due date), this would wait for `first` to end.
        await second.query('begin')
        await second.query("set local lock_timeout = '3s'")
        await second.query(insert, [suppliers[0], BATCH_DUE])
        await second.query('commit')
        await first.query('commit')
      } finally {
        await Promise.all([first.end(), second.end()])
      }
      await assertCountsExact()
    },
  )

  it(
    'concurrent writers on one supplier and due date, with folds running meanwhile, leave exact counts',
    { skip: !onPostgres && NEEDS_POSTGRES },
    async () => {
      const writes = { done: false }
      const folding = (async () => {
        let folds = 0
        while (!writes.done || folds === 0) {
          await foldPaymentCounts(db)
          folds += 1
        }
        return folds
      })()
      const writers = Array.from({ length: 8 }, (_, writer) =>
        writeConcentrated(db, suppliers[0] ?? 0, writer),
      )
      await Promise.all(writers).finally(() => {
        writes.done = true
      })
      assert.ok((await folding) > 0)
      await assertCountsExact()
      await foldPaymentCounts(db)
      assert.equal(await slotRows(), 0)
      await assertCountsExact()
    },
  )
})

/**
 * One writer of a month-end batch: payments for one supplier due on one day, one and several per
 * statement; anticipations of them requested and decided; every fifth transaction rolled back.
 */
async function writeConcentrated(db: PaymentsDb, supplierId: number, writer: number): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const work = db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ id: number }>`
        insert into payments (supplier_id, creation_date, due_date, value, created_at)
        select ${supplierId}, '2026-03-01', ${BATCH_DUE}, 100, now() from generate_series(1, ${1 + (round % 3)})
        returning id`.execute(tx)
      const id = rows[0]?.id
      await sql`
        insert into anticipations (payment_id, creation_date, new_due_date, new_value, status, update_date, created_at)
        values (${id}, '2026-03-01', '2026-03-20', 99, 'PC', now(), now())`.execute(tx)
      if ((writer + round) % 2 === 0) {
        await sql`update anticipations set status = 'A' where payment_id = ${id}`.execute(tx)
      }
      if (round % 5 === 4) throw new RolledBack()
    })
    await work.catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error
    })
  }
}

class RolledBack extends Error {}

async function insertSupplier(db: PaymentsDb, n: number): Promise<number> {
  const { rows: users } = await sql<{ id: number }>`
    insert into users (email, password_hash, first_name, last_name, roles, created_at, updated_at)
    values (${`s${n}@counts.test`}, 'x', 'S', ${String(n)}, '{}', now(), now()) returning id`.execute(db)
  const { rows: companies } = await sql<{ id: number }>`
    insert into companies (legal_name, registration_number, email, created_at, updated_at)
    values (${`Counts ${n}`}, ${`2234567800${n}`}, ${`c${n}@counts.test`}, now(), now()) returning id`.execute(
    db,
  )
  const { rows } = await sql<{ id: number }>`
    insert into suppliers (user_id, company_id, created_at)
    values (${users[0]?.id}, ${companies[0]?.id}, now()) returning id`.execute(db)
  return rows[0]?.id ?? 0
}
