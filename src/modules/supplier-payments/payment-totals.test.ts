import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { createTestDatabase } from '../../../test/helpers/database.ts'
import { paymentStatus, type AnticipationStatus } from './anticipation-rules.ts'
import { payablesByMonth, type PayablesFigures } from './payment-stats.ts'
import {
  foldPaymentCounts,
  type PaymentsDb,
  type SupplierPaymentsTables,
} from './supplier-payments.repository.ts'

/*
 * The totals kept beside the payment counts (migration 0021) are a roll-up: whatever is inserted,
 * decided, deleted or re-dated, payables by month read from it must equal the figures recomputed
 * here, in plain TypeScript, from the payments and anticipations themselves.
 */

const TODAY = '2026-03-02'
const RANGE = { from: '2025-01-01', to: '2027-12-31', today: TODAY }

type Payment = { id: number; supplier_id: number; due_date: string; value: string }
type Anticipation = {
  payment_id: number
  new_due_date: string
  new_value: string
  status: AnticipationStatus
}

const cents = (amount: string) => {
  const [whole = '0', fraction = ''] = amount.split('.')
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2))
}
const money = (value: bigint) => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)

/** count, total, new value and days per month and status, straight from the rows. */
async function recomputed(db: PaymentsDb, supplierId?: number) {
  const payments = (await sql<Payment>`select id, supplier_id, due_date, value from payments`.execute(db))
    .rows
  const anticipations = (
    await sql<Anticipation>`select payment_id, new_due_date, new_value, status from anticipations`.execute(db)
  ).rows
  const byPayment = new Map(anticipations.map((row) => [row.payment_id, row]))
  const groups = new Map<string, { count: number; total: bigint; newValue: bigint; days: number }>()
  for (const payment of payments) {
    if (supplierId !== undefined && payment.supplier_id !== supplierId) continue
    if (payment.due_date < RANGE.from || payment.due_date > RANGE.to) continue
    const anticipation = byPayment.get(payment.id)
    const status = paymentStatus(payment.due_date, anticipation?.status ?? null, TODAY)
    const key = `${payment.due_date.slice(0, 7)} ${status}`
    const group = groups.get(key) ?? { count: 0, total: 0n, newValue: 0n, days: 0 }
    group.count += 1
    group.total += cents(payment.value)
    if (status === 'AN' && anticipation) {
      group.newValue += cents(anticipation.new_value)
      group.days += days(anticipation.new_due_date, payment.due_date)
    }
    groups.set(key, group)
  }
  return groups
}

async function assertTotalsExact(db: PaymentsDb, suppliers: number[]): Promise<void> {
  for (const supplierId of [undefined, ...suppliers]) {
    const expected = await recomputed(db, supplierId)
    const figures = await payablesByMonth(db, RANGE, supplierId)
    const kept = new Map(figures.map((row: PayablesFigures) => [`${row.month} ${row.status}`, row]))
    assert.deepEqual([...kept.keys()].sort(), [...expected.keys()].sort(), `supplier ${String(supplierId)}`)
    for (const [key, group] of expected) {
      const row = kept.get(key)
      assert.ok(row)
      assert.equal(row.count, group.count, key)
      assert.equal(row.total, money(group.total), key)
      assert.equal(row.new_value, money(group.newValue), key)
      assert.equal(row.discount, key.endsWith(' AN') ? money(group.total - group.newValue) : '0.00', key)
      if (key.endsWith(' AN')) {
        // Rounded to 2 places: within half a hundredth of the exact average.
        assert.ok(Math.abs(Number(row.avg_days) - group.days / group.count) <= 0.005 + 1e-9, key)
      }
    }
  }
}

describe('payment totals kept beside the counts', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: PaymentsDb
  const suppliers: number[] = []

  before(async () => {
    database = await createTestDatabase()
    db = database.db.$extendTables<SupplierPaymentsTables>()
    for (const n of [1, 2]) suppliers.push(await insertSupplier(db, n))
  })
  after(() => database.close())

  it('payments inserted one by one and many per statement are summed by month and status', async () => {
    for (const [i, due] of ['2025-06-30', '2025-07-01', '2026-03-02', '2026-03-03', '2026-12-31'].entries()) {
      await sql`
        insert into payments (supplier_id, creation_date, due_date, value, created_at)
        values (${suppliers[i % 2]}, '2025-01-01', ${due}, ${`${100 + i}.15`}, now())`.execute(db)
    }
    await sql`
      insert into payments (supplier_id, creation_date, due_date, value, created_at)
      select ${suppliers[0]}, '2025-01-01', date '2025-01-01' + (g * 7), 10.01 * g, now()
      from generate_series(1, 150) g`.execute(db)
    await assertTotalsExact(db, suppliers)
  })

  it('anticipations requested, approved, denied and removed move the payments and their terms', async () => {
    const { rows } = await sql<{ id: number; due_date: string }>`
      select id, due_date from payments where due_date > ${TODAY} order by id limit 30`.execute(db)
    for (const [i, payment] of rows.entries()) {
      await sql`
        insert into anticipations (payment_id, creation_date, new_due_date, new_value, status, update_date, created_at)
        values (${payment.id}, '2026-03-01', ${TODAY}, ${`${5 + i}.50`}, 'PC', now(), now())`.execute(db)
      if (i % 3 > 0) {
        await sql`update anticipations set status = ${i % 3 === 1 ? 'A' : 'D'} where payment_id = ${payment.id}`.execute(
          db,
        )
      }
    }
    await sql`delete from anticipations where payment_id = ${rows[1]?.id}`.execute(db)
    await assertTotalsExact(db, suppliers)
  })

  it('new due dates, new values, due dates, values and suppliers changed in place keep the totals exact', async () => {
    await sql`update anticipations set new_due_date = '2026-03-01', new_value = new_value + 1
      where id in (select id from anticipations where status = 'A' order by id limit 3)`.execute(db)
    await sql`update payments set due_date = due_date + 40
      where id in (select payment_id from anticipations where status = 'A' order by id limit 2)`.execute(db)
    await sql`update payments set value = value * 2 where id in (select id from payments order by id limit 20)`.execute(
      db,
    )
    await sql`update payments set supplier_id = ${suppliers[1]}
      where id in (select id from payments order by id desc limit 9)`.execute(db)
    await assertTotalsExact(db, suppliers)
  })

  it('deleted payments leave the totals', async () => {
    await sql`delete from anticipations where payment_id in (select id from payments order by id limit 3)`.execute(
      db,
    )
    await sql`delete from payments where id in (select id from payments order by id limit 3)`.execute(db)
    await sql`delete from payments where id in (
      select id from payments where id not in (select payment_id from anticipations) order by id desc limit 11)`.execute(
      db,
    )
    await assertTotalsExact(db, suppliers)
  })

  it('folding the slots and rebuilding from the payments change no figure', async () => {
    assert.ok((await foldPaymentCounts(db)) > 0)
    await assertTotalsExact(db, suppliers)
    const kept = await payablesByMonth(db, RANGE)
    await sql`select rebuild_payment_counts()`.execute(db)
    assert.deepEqual(await payablesByMonth(db, RANGE), kept)
    await assertTotalsExact(db, suppliers)
  })

  it('a payment cannot be given anticipation terms its anticipation does not have', async () => {
    const { rows } = await sql<{ id: number }>`select payment_id as id from anticipations limit 1`.execute(db)
    await assert.rejects(
      sql`update payments set anticipation_new_value = 1 where id = ${rows[0]?.id}`.execute(db),
      /payments_anticipation_is_a_copy|does not carry its anticipation/,
    )
  })
})

async function insertSupplier(db: PaymentsDb, n: number): Promise<number> {
  const { rows: users } = await sql<{ id: number }>`
    insert into users (email, password_hash, first_name, last_name, roles, created_at, updated_at)
    values (${`s${n}@totals.test`}, 'x', 'S', ${String(n)}, '{}', now(), now()) returning id`.execute(db)
  const { rows: companies } = await sql<{ id: number }>`
    insert into companies (legal_name, registration_number, email, created_at, updated_at)
    values (${`Totals ${n}`}, ${`3234567800${n}`}, ${`c${n}@totals.test`}, now(), now()) returning id`.execute(
    db,
  )
  const { rows } = await sql<{ id: number }>`
    insert into suppliers (user_id, company_id, created_at)
    values (${users[0]?.id}, ${companies[0]?.id}, now()) returning id`.execute(db)
  return rows[0]?.id ?? 0
}
